import { calendarFeedDeps } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { listCalendarFeeds } from '../../shared/use-cases/calendar-feed-use-cases.js';

const deps = calendarFeedDeps();

export const handler = apiHandler('listCalendarFeeds', async (_event, { tenantId }) =>
  json(200, { feeds: await listCalendarFeeds(deps, tenantId) }),
);
