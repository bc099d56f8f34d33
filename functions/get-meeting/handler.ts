import { meetingDeps } from '../../shared/composition.js';
import { matchesWeakly } from '../../shared/domain/entity-tag.js';
import { etagHeader, parseEntityTagCondition } from '../../shared/http/conditional-headers.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseMeetingId } from '../../shared/http/request-parsing.js';
import { json, notModified } from '../../shared/http/responses.js';
import { readMeeting } from '../../shared/use-cases/meeting-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('getMeeting', async (event, { tenantId }) => {
  const meetingId = parseMeetingId(event);
  const ifNoneMatch = parseEntityTagCondition(event, 'If-None-Match');
  const { meeting, entityTag } = await readMeeting(deps, tenantId, meetingId);
  if (ifNoneMatch && matchesWeakly(ifNoneMatch, entityTag)) return notModified(etagHeader(entityTag));
  return json(200, meeting, etagHeader(entityTag));
});
