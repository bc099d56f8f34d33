import { meetingDeps } from '../../shared/composition.js';
import { etagHeader, parseEntityTagCondition } from '../../shared/http/conditional-headers.js';
import { parseMeetingBody } from '../../shared/http/meeting-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { noContent } from '../../shared/http/responses.js';
import { updateMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('updateMeeting', async (event, { tenantId, origin, metrics }) => {
  const meetingId = parseMeetingId(event);
  const input = parseMeetingBody(event);
  const ifMatch = parseEntityTagCondition(event, 'If-Match'); // with the other parameters: after path id and body
  const { entityTag, statusChange } = await updateMeeting(deps, tenantId, meetingId, input, origin, ifMatch);
  if (statusChange) metrics.statusTransition(statusChange.from, statusChange.to);
  return noContent(etagHeader(entityTag));
});
