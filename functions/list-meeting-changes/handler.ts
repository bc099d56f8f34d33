import { meetingDeps } from '../../shared/composition.js';
import { CHANGES_ANSWER_BUDGET } from '../../shared/http/answer-budget.js';
import { encodeSince, parseChangesRequest } from '../../shared/http/changes-parameters.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { listChanges } from '../../shared/use-cases/meeting-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('listMeetingChanges', async (event, { tenantId }) => {
  const { changes, next, hasMore } = await listChanges(deps, tenantId, {
    ...parseChangesRequest(event, tenantId),
    budget: CHANGES_ANSWER_BUDGET,
  });
  return json(200, { changes, nextSince: encodeSince(tenantId, next), hasMore });
});
