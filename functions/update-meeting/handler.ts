import { useCaseDeps } from '../../shared/composition.js';
import { etagHeader, parseEntityTagCondition } from '../../shared/http/conditional-headers.js';
import { parseMeetingBody } from '../../shared/http/meeting-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { noContent } from '../../shared/http/responses.js';
import { updateMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = useCaseDeps();

export const handler = apiHandler('updateMeeting', async (event, { tenantId }) => {
  const ifMatch = parseEntityTagCondition(event, 'If-Match');
  const meetingId = parseMeetingId(event);
  const { entityTag } = await updateMeeting(deps, tenantId, meetingId, parseMeetingBody(event), ifMatch);
  return noContent(etagHeader(entityTag));
});
