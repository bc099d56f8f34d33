/**
 * A calendar app's poll of a feed: no authorizer (the secret address is the credential); the
 * document with a strong ETag, 304 when the app's copy is current.
 */
import { createHash } from 'node:crypto';
import { calendarFeedDeps } from '../../shared/composition.js';
import { matchesWeakly } from '../../shared/domain/entity-tag.js';
import { entityTagsOf } from '../../shared/http/conditional-headers.js';
import { listHeaderOf } from '../../shared/http/headers.js';
import { publicHandler } from '../../shared/http/middlewares.js';
import { calendarTokenOf } from '../../shared/http/request-parsing.js';
import { notModified } from '../../shared/http/responses.js';
import { readCalendarFeed } from '../../shared/use-cases/calendar-feed-use-cases.js';

const deps = calendarFeedDeps();

/** Apps may keep it for 5 minutes; only the subscriber's own cache (the address is secret). */
const CACHE_CONTROL = 'private, max-age=300';

export const handler = publicHandler('getCalendar', async (event) => {
  const text = await readCalendarFeed(deps, calendarTokenOf(event));
  const tag = createHash('sha256').update(text).digest('base64url').slice(0, 27);
  const headers = { ETag: `"${tag}"`, 'Cache-Control': CACHE_CONTROL };
  // A calendar app sends back what it was given; anything else is no match (a full answer).
  const asked = entityTagsOf(listHeaderOf(event, 'If-None-Match'));
  if (asked && matchesWeakly(asked, tag)) return notModified(headers);
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers },
    body: text,
  };
});
