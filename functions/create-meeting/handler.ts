import { meetingDeps } from '../../shared/composition.js';
import { parseMeetingBody } from '../../shared/http/meeting-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseIdempotencyKey } from '../../shared/http/request-parsing.js';
import { json } from '../../shared/http/responses.js';
import { createMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('createMeeting', async (event, { tenantId, origin }) => {
  const idempotencyKey = parseIdempotencyKey(event); // its format right after Request-ID
  const { meetingId, replayed } = await createMeeting(deps, tenantId, parseMeetingBody(event), origin, idempotencyKey);
  return json(
    201,
    { meetingId },
    { Location: `/meetings/${meetingId}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
  );
});
