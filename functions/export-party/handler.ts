import { meetingDeps } from '../../shared/composition.js';
import { EXPORT_ANSWER_BUDGET } from '../../shared/http/answer-budget.js';
import { encodeExportCursor, parseExportRequest } from '../../shared/http/export-parameters.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { exportParty } from '../../shared/use-cases/privacy-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('exportParty', async (event, { tenantId }) => {
  const exportedAt = new Date().toISOString();
  const { partyId, afterMeetingId, size } = parseExportRequest(event, tenantId);
  const { meetings, nextAfter } = await exportParty(deps, tenantId, partyId, {
    afterMeetingId,
    size,
    budget: EXPORT_ANSWER_BUDGET,
  });
  return json(200, {
    partyId,
    exportedAt,
    meetings,
    ...(nextAfter !== undefined ? { nextCursor: encodeExportCursor(tenantId, partyId, nextAfter) } : {}),
  });
});
