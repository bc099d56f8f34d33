import { privacyDeps } from '../../shared/composition.js';
import { validate as validateErasureRequest } from '../../shared/generated/validators/ErasureRequest.cjs';
import { readJsonBody } from '../../shared/http/json-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { requestErasure } from '../../shared/use-cases/privacy-use-cases.js';

const deps = privacyDeps();

export const handler = apiHandler('createErasure', async (event, { tenantId, origin }) => {
  const { partyId } = readJsonBody(event, validateErasureRequest) as { partyId: string };
  const erasure = await requestErasure(deps, tenantId, partyId, origin);
  return json(202, erasure, { Location: `/privacy/erasures/${erasure.erasureId}` });
});
