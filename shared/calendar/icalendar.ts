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

/** A property in ical.js's jCal form (RFC 7265): name, parameters, value type, value. */
type JCalProperty = [string, Record<string, string>, string, string | number];

/** Line breaks of every kind: CRLF and a lone CR (what Windows clients and HTML forms send), U+2028/9. */
const LINE_BREAK = /\r\n?|[\u2028\u2029]/g;
/** Control characters RFC 5545's TEXT has no place for (TAB is allowed; LF is written as its escape). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * A TEXT value as RFC 5545 allows it: every line break an LF (ical.js escapes only LF; a raw CR would
 * end some readers' reading of the value), other control characters left out.
 */
const textValue = (value: string) => value.replace(LINE_BREAK, '\n').replace(CONTROL, '');

const text = (name: string, value: string): JCalProperty => [name, {}, 'text', textValue(value)];
/** A property ical.js's RFC 5545 design set does not know: written as given, no VALUE parameter. */
const other = (name: string, value: string): JCalProperty => [name, {}, 'unknown', textValue(value)];
const utc = (name: string, instant: Date): JCalProperty => [
  name,
  {},
  'date-time',
  ICAL.Time.fromJSDate(instant, true).toString(),
];
const duration = (name: string, value: ICAL.Duration): JCalProperty => [name, {}, 'duration', value.toString()];

/**
 * The document: a calendar named `name`, one VEVENT per event, every line ended by CRLF. Built as
 * jCal and written by ical.js's stringify (its escaping, folding and value types): a feed's
 * thousand events would otherwise cost a Component and Property object per line first.
 */
export function icalendarOf(events: CalendarEvent[], name: string): string {
  const calendar: JCalProperty[] = [
    text('version', '2.0'),
    text('prodid', '-//Meeting API//Calendar feeds//EN'),
    text('calscale', 'GREGORIAN'),
    text('method', 'PUBLISH'),
    other('name', name),
    other('x-wr-calname', name),
    duration('refresh-interval', ICAL.Duration.fromString(FEED_REFRESH)),
    other('x-published-ttl', FEED_REFRESH),
  ];
  const vevents = events.map((event) => {
    const properties: JCalProperty[] = [
      text('uid', event.uid),
      ['sequence', {}, 'integer', event.sequence],
      utc('dtstamp', event.modified),
      utc('last-modified', event.modified),
      utc('dtstart', event.start),
      duration('duration', ICAL.Duration.fromSeconds(event.durationMinutes * 60)),
      text('summary', event.summary),
    ];
    if (event.location !== undefined) properties.push(text('location', event.location));
    if (event.description !== undefined) properties.push(text('description', event.description));
    properties.push(text('status', 'CONFIRMED'), text('transp', 'OPAQUE'));
    return ['vevent', properties, []];
  });
  // The document form of stringify (an array of components) ends every line, the last too, with CRLF.
  return ICAL.stringify([['vcalendar', calendar, vevents]]);
}
