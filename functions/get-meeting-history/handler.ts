import { meetingDeps } from '../../shared/composition.js';
import { HISTORY_ANSWER_BUDGET } from '../../shared/http/answer-budget.js';
import { encodeHistoryCursor, parseHistoryRequest } from '../../shared/http/history-parameters.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { json } from '../../shared/http/responses.js';
import { readMeetingHistory } from '../../shared/use-cases/history-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('getMeetingHistory', async (event, { tenantId }) => {
  const meetingId = parseMeetingId(event);
  const { entries, nextAfter } = await readMeetingHistory(deps, tenantId, meetingId, {
    ...parseHistoryRequest(event, tenantId, meetingId),
    budget: HISTORY_ANSWER_BUDGET,
  });
  return json(200, {
    entries,
    ...(nextAfter !== undefined ? { nextCursor: encodeHistoryCursor(tenantId, meetingId, nextAfter) } : {}),
  });
});
