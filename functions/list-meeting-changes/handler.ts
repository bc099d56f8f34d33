import { useCaseDeps } from '../../shared/composition.js';
import { encodeSince, parseChangesRequest } from '../../shared/http/changes-parameters.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { listChanges } from '../../shared/use-cases/meeting-use-cases.js';

const deps = useCaseDeps();

export const handler = apiHandler('listMeetingChanges', async (event, { tenantId }) => {
  const { changes, next, hasMore } = await listChanges(deps, tenantId, parseChangesRequest(event, tenantId));
  return json(200, { changes, nextSince: encodeSince(tenantId, next), hasMore });
});
