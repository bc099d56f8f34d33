/**
 * A feed's events as one iCalendar document (RFC 5545), written with ical.js: Mozilla's
 * implementation of the RFC (its escaping, its folding, its value types), not by hand. Chosen over
 * ical-generator and ics, which cannot write what the contract asks: ical-generator has no event
 * DURATION (its author: "use start and end"), ics fixes X-PUBLISHED-TTL at one hour and has no
 * REFRESH-INTERVAL.
 */
import ICAL from 'ical.js';
import type { CalendarEvent } from '../domain/calendar-feed.js';

/** How often calendar apps should poll (RFC 7986 REFRESH-INTERVAL, and its older X- name). */
export const FEED_REFRESH = 'PT15M';

// ical.js folds content at this many octets and puts the continuation's leading space before it:
// at 74, no line (space included) passes RFC 5545's 75 octets.
ICAL.foldLength = 74;

const utc = (instant: Date) => ICAL.Time.fromJSDate(instant, true);

/** The document: a calendar named `name`, one VEVENT per event, every line ended by CRLF. */
export function icalendarOf(events: CalendarEvent[], name: string): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Meeting API//Calendar feeds//EN');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', 'PUBLISH');
  calendar.addPropertyWithValue('name', name);
  calendar.addPropertyWithValue('x-wr-calname', name);
  calendar.addPropertyWithValue('refresh-interval', ICAL.Duration.fromString(FEED_REFRESH));
  calendar.addPropertyWithValue('x-published-ttl', FEED_REFRESH);
  for (const event of events) {
    const vevent = new ICAL.Component('vevent');
    vevent.addPropertyWithValue('uid', event.uid);
    vevent.addPropertyWithValue('sequence', event.sequence);
    vevent.addPropertyWithValue('dtstamp', utc(event.modified));
    vevent.addPropertyWithValue('last-modified', utc(event.modified));
    vevent.addPropertyWithValue('dtstart', utc(event.start));
    vevent.addPropertyWithValue('duration', ICAL.Duration.fromSeconds(event.durationMinutes * 60));
    vevent.addPropertyWithValue('summary', event.summary);
    if (event.location !== undefined) vevent.addPropertyWithValue('location', event.location);
    if (event.description !== undefined) vevent.addPropertyWithValue('description', event.description);
    vevent.addPropertyWithValue('status', 'CONFIRMED');
    vevent.addPropertyWithValue('transp', 'OPAQUE');
    calendar.addSubcomponent(vevent);
  }
  // ical.js ends the last line without its CRLF; RFC 5545 ends every content line with one.
  return `${calendar.toString()}\r\n`;
}
