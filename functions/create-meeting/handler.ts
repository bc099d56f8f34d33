import { useCaseDeps } from '../../shared/composition.js';
import { parseMeetingBody } from '../../shared/http/meeting-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { createMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = useCaseDeps();

export const handler = apiHandler('createMeeting', async (event, { tenantId }) => {
  const created = await createMeeting(deps, tenantId, parseMeetingBody(event));
  return json(201, created, { Location: `/meetings/${created.meetingId}` });
});
