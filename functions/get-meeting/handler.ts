import { useCaseDeps } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { json } from '../../shared/http/responses.js';
import { getMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = useCaseDeps();

export const handler = apiHandler('getMeeting', async (event, { tenantId }) =>
  json(200, await getMeeting(deps, tenantId, parseMeetingId(event))),
);
