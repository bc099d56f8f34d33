/**
 * Agents' calendar feeds (contract-calendar-import.md, "Calendar feeds"): a feed is made for an
 * agent with a secret token, shown once and kept only as its hash; listed without tokens; revoked;
 * and read by its token, unauthenticated, as an iCalendar document of the agent's meetings.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { icalendarOf } from '../calendar/icalendar.js';
import type { CalendarFeed, CalendarFeedRepository } from '../domain/calendar-feed-repository.js';
import {
  calendarEventOf,
  DEFAULT_FEED_DETAIL,
  feedMeetings,
  feedWindow,
  FEEDS_PER_AGENT,
  listedInFeed,
  FEEDS_PER_TENANT,
  type FeedDetail,
} from '../domain/calendar-feed.js';
import { CalendarFeedNotFound } from '../domain/errors.js';
import type { MeetingRepository } from '../domain/meeting-repository.js';
import { isTombstone, type StoredMeeting } from '../domain/meeting.js';

export interface CalendarFeedDeps {
  feeds: CalendarFeedRepository;
  /** The meetings a feed lists, read by id. */
  repository: MeetingRepository;
  /** An event's length (CALENDAR_EVENT_MINUTES). */
  eventMinutes: number;
  now?: () => Date;
  newId?: () => string;
}

/** 256 random bits, URL-safe: the feed's secret address. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What storage keeps of a token: its SHA-256 (a token has all the entropy a slow hash would add). */
export const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

const nowOf = (deps: { now?: () => Date }) => (deps.now ? deps.now() : new Date());

/** Makes a feed for the agent; the token is in this answer only. */
export async function createCalendarFeed(
  deps: CalendarFeedDeps,
  tenantId: string,
  request: { agentId: string; detail?: FeedDetail },
): Promise<{ feed: CalendarFeed; token: string }> {
  const feed: CalendarFeed = {
    feedId: (deps.newId ?? randomUUID)().toLowerCase(),
    agentId: request.agentId.toLowerCase(),
    detail: request.detail ?? DEFAULT_FEED_DETAIL,
    createdAt: nowOf(deps).toISOString(),
  };
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  await deps.feeds.create(tenantId, feed, tokenHashOf(token), { agent: FEEDS_PER_AGENT, tenant: FEEDS_PER_TENANT });
  return { feed, token };
}

export const listCalendarFeeds = (deps: Pick<CalendarFeedDeps, 'feeds'>, tenantId: string) => deps.feeds.list(tenantId);

export async function revokeCalendarFeed(
  deps: Pick<CalendarFeedDeps, 'feeds'>,
  tenantId: string,
  feedId: string,
): Promise<void> {
  if (!(await deps.feeds.revoke(tenantId, feedId.toLowerCase()))) throw new CalendarFeedNotFound(feedId);
}

/**
 * The feed a token addresses, as iCalendar text: the agent's meetings the feed shows (from the
 * agent index), each read as stored now. An unknown, revoked or malformed token: CalendarFeedNotFound.
 */
export async function readCalendarFeed(deps: CalendarFeedDeps, token: string): Promise<string> {
  const address = TOKEN_PATTERN.test(token) ? await deps.feeds.addressOf(tokenHashOf(token)) : undefined;
  if (!address) throw new CalendarFeedNotFound('(token)');
  const now = nowOf(deps);
  const visits = feedMeetings(await deps.feeds.agentVisits(address.tenantId, address.agentId, feedWindow(now)), now);
  const records = await deps.repository.getRecords(
    address.tenantId,
    visits.map((visit) => visit.meetingId),
  );
  const shown: StoredMeeting[] = [];
  for (const { meetingId } of visits) {
    const record = records.get(meetingId);
    // The index lags the meeting by a moment: what is stored now decides.
    if (!record || isTombstone(record)) continue;
    const { meeting } = record;
    if (listedInFeed(meeting, now) && meeting.agents.some((agent) => agent.agentId === address.agentId))
      shown.push(record);
  }
  const events = shown.map((stored) => calendarEventOf(stored, address.detail, deps.eventMinutes));
  return icalendarOf(events, `Meetings of agent ${address.agentId}`);
}
