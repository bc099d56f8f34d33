import { calendarFeedDeps } from '../../shared/composition.js';
import type { FeedDetail } from '../../shared/domain/calendar-feed.js';
import { validate as validateCalendarFeedRequest } from '../../shared/generated/validators/CalendarFeedRequest.cjs';
import { readJsonBody } from '../../shared/http/json-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { createCalendarFeed } from '../../shared/use-cases/calendar-feed-use-cases.js';

const deps = calendarFeedDeps();

export const handler = apiHandler('createCalendarFeed', async (event, { tenantId }) => {
  const body = readJsonBody(event, validateCalendarFeedRequest) as { agentId: string; detail?: FeedDetail };
  const { feed, token } = await createCalendarFeed(deps, tenantId, body);
  return json(201, { ...feed, url: `/calendars/${token}.ics` }, { Location: `/calendar-feeds/${feed.feedId}` });
});
