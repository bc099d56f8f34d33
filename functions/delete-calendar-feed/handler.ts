import { calendarFeedDeps } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseCalendarFeedId } from '../../shared/http/request-parsing.js';
import { noContent } from '../../shared/http/responses.js';
import { revokeCalendarFeed } from '../../shared/use-cases/calendar-feed-use-cases.js';

const deps = calendarFeedDeps();

export const handler = apiHandler('deleteCalendarFeed', async (event, { tenantId }) => {
  await revokeCalendarFeed(deps, tenantId, parseCalendarFeedId(event));
  return noContent();
});
