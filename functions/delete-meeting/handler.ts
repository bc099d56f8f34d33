import { meetingDeps } from '../../shared/composition.js';
import { parseEntityTagCondition } from '../../shared/http/conditional-headers.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { noContent } from '../../shared/http/responses.js';
import { deleteMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('deleteMeeting', async (event, { tenantId, origin }) => {
  const meetingId = parseMeetingId(event);
  await deleteMeeting(deps, tenantId, meetingId, origin, parseEntityTagCondition(event, 'If-Match'));
  return noContent();
});
