import { useCaseDeps } from '../../shared/composition.js';
import { parseMeetingBody } from '../../shared/http/meeting-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { noContent } from '../../shared/http/responses.js';
import { updateMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = useCaseDeps();

export const handler = apiHandler('updateMeeting', async (event, { tenantId }) => {
  const meetingId = parseMeetingId(event);
  await updateMeeting(deps, tenantId, meetingId, parseMeetingBody(event));
  return noContent();
});
