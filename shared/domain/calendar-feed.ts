/**
 * An agent's calendar feed (contract-calendar-import.md, "Calendar feeds"): which of the agent's
 * meetings it shows, and what each event says at each detail level. Plain rules, no storage and
 * no iCalendar syntax (shared/calendar/icalendar.ts writes the events).
 */
import type { StoredMeeting } from './meeting.js';

export const FEED_DETAILS = ['BUSY', 'STANDARD', 'FULL'] as const;
export type FeedDetail = (typeof FEED_DETAILS)[number];
export const DEFAULT_FEED_DETAIL: FeedDetail = 'STANDARD';

/** A tenant's feeds at most, and an agent's. */
export const FEEDS_PER_TENANT = 1_000;
export const FEEDS_PER_AGENT = 10;

/** The meetings a feed shows: visitTime from this many days ago to this many days ahead. */
export const FEED_DAYS_BEFORE = 90;
export const FEED_DAYS_AFTER = 400;
/** Events in a feed at most: the nearest to now are kept. */
export const MAX_FEED_EVENTS = 2_000;
/** An event's length unless CALENDAR_EVENT_MINUTES says otherwise. */
export const DEFAULT_EVENT_MINUTES = 60;

/** Statuses a calendar shows; a cancelled (or deleted, or erased) meeting leaves the feed, and calendars drop its UID. */
const LISTED_STATUSES = new Set(['WAITING', 'WON', 'LOST']);

const DAY_MS = 86_400_000;

/** The visitTime window of a feed read at `now` (instants, ISO 8601 UTC). */
export function feedWindow(now: Date): { from: string; to: string } {
  return {
    from: new Date(now.getTime() - FEED_DAYS_BEFORE * DAY_MS).toISOString(),
    to: new Date(now.getTime() + FEED_DAYS_AFTER * DAY_MS).toISOString(),
  };
}

/** One event of a feed, ready to be written as a VEVENT. */
export interface CalendarEvent {
  /** Stable for the meeting's life. */
  uid: string;
  /** Grows with every write of the meeting. */
  sequence: number;
  /** DTSTAMP and LAST-MODIFIED: the meeting's last write. */
  modified: Date;
  start: Date;
  durationMinutes: number;
  summary: string;
  location?: string;
  description?: string;
}

const TYPE_SUMMARY: Record<string, string> = {
  SALES_MEETING: 'Sales meeting',
  EVALUATION_VISIT: 'Evaluation visit',
};
const STATUS_SUFFIX: Record<string, string> = { WON: ' (won)', LOST: ' (lost)' };

/** What choosing a feed's meetings needs of each: the agent index has it. */
export interface FeedCandidate {
  meetingId: string;
  visitTime: string;
  statusCode: string;
}

/** Whether a meeting belongs in a feed read at `now` (its status and its visitTime). */
export function listedInFeed(candidate: FeedCandidate, now: Date): boolean {
  if (!LISTED_STATUSES.has(candidate.statusCode)) return false;
  const { from, to } = feedWindow(now);
  const visit = Date.parse(candidate.visitTime);
  return visit >= Date.parse(from) && visit <= Date.parse(to);
}

const byVisit = (a: FeedCandidate, b: FeedCandidate) =>
  Date.parse(a.visitTime) - Date.parse(b.visitTime) || a.meetingId.localeCompare(b.meetingId);

/** The meetings a feed shows, at most `max`, the nearest to now kept, in visitTime order. */
export function feedMeetings<C extends FeedCandidate>(candidates: C[], now: Date, max = MAX_FEED_EVENTS): C[] {
  const distance = (candidate: C) => Math.abs(Date.parse(candidate.visitTime) - now.getTime());
  return candidates
    .filter((candidate) => listedInFeed(candidate, now))
    .sort((a, b) => distance(a) - distance(b) || a.meetingId.localeCompare(b.meetingId))
    .slice(0, max)
    .sort(byVisit);
}

/** The address of the realty, as one line (street address, postcode and postal area, as given). */
function locationOf({ meeting }: StoredMeeting): string | undefined {
  const { streetAddress, postcode, postalArea } = meeting.meetingRealty ?? {};
  const place = [postcode, postalArea].filter(Boolean).join(' ');
  const line = [streetAddress, place].filter(Boolean).join(', ');
  return line || undefined;
}

/** What the feed's event of a meeting says at the feed's detail level; no level shows a party. */
export function calendarEventOf(stored: StoredMeeting, detail: FeedDetail, durationMinutes: number): CalendarEvent {
  const { meeting } = stored;
  const event: CalendarEvent = {
    uid: `${meeting.meetingId}@meeting-api`,
    sequence: stored.version - 1,
    modified: new Date(meeting.modificationTime),
    start: new Date(meeting.visitTime),
    durationMinutes,
    summary: 'Busy',
  };
  if (detail === 'BUSY') return event;
  event.summary = `${TYPE_SUMMARY[meeting.typeCode] ?? 'Meeting'}${STATUS_SUFFIX[meeting.statusCode] ?? ''}`;
  const location = locationOf(stored);
  if (location) event.location = location;
  if (detail === 'FULL' && meeting.notes) event.description = meeting.notes;
  return event;
}
