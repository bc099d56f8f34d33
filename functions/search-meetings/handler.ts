import { meetingDeps } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { parseSearchCriteria } from '../../shared/http/search-parameters.js';
import { searchMeetings } from '../../shared/use-cases/meeting-use-cases.js';

const deps = meetingDeps();

export const handler = apiHandler('searchMeetings', async (event, { tenantId }) =>
  json(200, await searchMeetings(deps, tenantId, parseSearchCriteria(event))),
);
