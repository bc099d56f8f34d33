import { erasureLedger } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseErasureId } from '../../shared/http/request-parsing.js';
import { json } from '../../shared/http/responses.js';
import { readErasure } from '../../shared/use-cases/privacy-use-cases.js';

const erasures = erasureLedger();

export const handler = apiHandler('getErasure', async (event, { tenantId }) =>
  json(200, await readErasure(erasures, tenantId, parseErasureId(event))),
);
