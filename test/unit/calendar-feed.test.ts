/**
 * An agent's calendar feed as text: what each event says at each detail level, which meetings it
 * shows, and a document that two independent strict parsers (ical.js, node-ical) read back
 * exactly, with long Finnish addresses and notes folded, escaped and ended by CRLF.
 */
import ICAL from 'ical.js';
import nodeIcal, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { icalendarOf } from '../../shared/calendar/icalendar.js';
import {
  calendarEventOf,
  feedMeetings,
  FEED_DAYS_AFTER,
  FEED_DAYS_BEFORE,
  type CalendarEvent,
} from '../../shared/domain/calendar-feed.js';
import type { Meeting, StoredMeeting } from '../../shared/domain/meeting.js';
import { meetingInput } from '../../support/fixtures.js';

const now = new Date('2026-12-02T12:00:00Z');
let counter = 0;
function stored(overrides: Partial<Meeting> = {}, version = 1): StoredMeeting {
  counter++;
  const meeting = {
    ...meetingInput(),
    meetingId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    creationTime: '2026-11-01T08:00:00.000Z',
    modificationTime: '2026-11-02T09:30:00.000Z',
    ...overrides,
  } as Meeting;
  return { meeting, version };
}

const street = 'Pohjoisesplanadi 11–13 B 27, Ääneläisenkatu ja Öljynpuristamontie kulma, rappu Ö';
const notes =
  'Asiakas toivoo, että käynnillä katsotaan myös ullakko; avain: naapurilta (A 3), koodi 1234\\5678.\n' +
  'Toinen rivi: älä soita ennen klo 9, kiitos! '.repeat(6);
const realty = { categoryCode: 'SALE', streetAddress: street, postcode: '00170', postalArea: 'Helsinki' } as const;

describe('a feed event', () => {
  it('BUSY says only that the agent is busy; STANDARD the type, status and place; FULL the notes too; never a party', () => {
    const meeting = stored({ statusCode: 'WON', meetingRealty: realty, notes }, 4);
    const busy = calendarEventOf(meeting, 'BUSY', 60);
    expect(busy).toEqual({
      uid: `${meeting.meeting.meetingId}@meeting-api`,
      sequence: 3,
      modified: new Date(meeting.meeting.modificationTime),
      start: new Date(meeting.meeting.visitTime),
      durationMinutes: 60,
      summary: 'Busy',
    });
    const standard = calendarEventOf(meeting, 'STANDARD', 60);
    expect(standard).toMatchObject({ summary: 'Sales meeting (won)', location: `${street}, 00170 Helsinki` });
    expect(standard).not.toHaveProperty('description');
    expect(calendarEventOf(meeting, 'FULL', 45)).toMatchObject({ description: notes, durationMinutes: 45 });
    const evaluation = stored({ typeCode: 'EVALUATION_VISIT', statusCode: 'LOST' });
    expect(calendarEventOf(evaluation, 'STANDARD', 60).summary).toBe('Evaluation visit (lost)');
    for (const detail of ['BUSY', 'STANDARD', 'FULL'] as const) {
      const text = JSON.stringify(calendarEventOf(meeting, detail, 60));
      for (const party of meeting.meeting.parties) expect(text).not.toContain(party.partyId);
    }
  });

  it('shows WAITING, WON and LOST meetings from 90 days ago to 400 days ahead, at most the nearest to now, in time order', () => {
    const day = 86_400_000;
    const at = (days: number) => new Date(now.getTime() + days * day).toISOString();
    const inside = [
      stored({ visitTime: at(-FEED_DAYS_BEFORE), statusCode: 'WAITING' }),
      stored({ visitTime: at(1), statusCode: 'WON' }),
      stored({ visitTime: at(-1), statusCode: 'LOST' }),
      stored({ visitTime: at(FEED_DAYS_AFTER), statusCode: 'WAITING' }),
    ];
    const outside = [
      stored({ visitTime: at(2), statusCode: 'CANCELLED' }),
      stored({ visitTime: at(-FEED_DAYS_BEFORE - 1) }),
      stored({ visitTime: at(FEED_DAYS_AFTER + 1) }),
    ];
    const candidate = ({ meeting }: StoredMeeting) => meeting;
    const shown = feedMeetings([...outside, ...inside].map(candidate), now);
    expect(shown.map((m) => m.visitTime)).toEqual([at(-90), at(-1), at(1), at(400)]);
    // Capped: the two nearest to now stay.
    expect(feedMeetings(inside.map(candidate), now, 2).map((m) => m.visitTime)).toEqual([at(-1), at(1)]);
  });
});

describe('the iCalendar document', () => {
  const events: CalendarEvent[] = [
    calendarEventOf(stored({ meetingRealty: realty, notes, visitTime: '2026-12-31T10:00:00+02:00' }, 3), 'FULL', 60),
    calendarEventOf(stored({ visitTime: '2027-03-28T02:30:00+03:00' }), 'STANDARD', 90),
  ];
  const text = icalendarOf(events, 'Meetings of agent 6d648e58');

  it('has the calendar properties calendar apps read, and every line within 75 octets, ended by CRLF', () => {
    for (const line of ['BEGIN:VCALENDAR', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'])
      expect(text.split('\r\n')).toContain(line);
    expect(text).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n');
    expect(text).toContain('\r\nX-PUBLISHED-TTL:PT15M\r\n');
    expect(text).toMatch(/\r\nPRODID:[^\r]+\r\n/);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const lines = text.slice(0, -2).split('\r\n');
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(lines.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(3); // the long values were folded
    expect(text).toContain('DTSTART:20261231T080000Z\r\n');
    expect(text).toContain('DURATION:PT1H\r\n');
    expect(text).toContain('DURATION:PT1H30M\r\n');
    expect(text).not.toContain('VTIMEZONE');
  });

  it('reads back exactly in ical.js', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    const [first, second] = calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
    expect(first!.uid).toBe(events[0]!.uid);
    expect(first!.sequence).toBe(2);
    expect(first!.location).toBe(`${street}, 00170 Helsinki`);
    expect(first!.description).toBe(notes);
    expect(first!.startDate.toJSDate().toISOString()).toBe('2026-12-31T08:00:00.000Z');
    expect(first!.endDate.toJSDate().toISOString()).toBe('2026-12-31T09:00:00.000Z');
    expect(second!.startDate.toJSDate().toISOString()).toBe('2027-03-27T23:30:00.000Z');
    expect(second!.duration.toSeconds()).toBe(90 * 60);
  });

  it('reads back exactly in node-ical', () => {
    const parsed = Object.values(nodeIcal.sync.parseICS(text)).filter((entry) => entry?.type === 'VEVENT');
    expect(parsed).toHaveLength(2);
    const first = parsed[0] as VEvent;
    expect(first.uid).toBe(events[0]!.uid);
    expect(first.location).toBe(`${street}, 00170 Helsinki`); // a plain value: no parameters were sent
    expect(first.description).toBe(notes);
    expect(first.start.toISOString()).toBe('2026-12-31T08:00:00.000Z');
    expect(first.end!.toISOString()).toBe('2026-12-31T09:00:00.000Z');
    expect(Number(first.sequence)).toBe(2);
    expect(first.lastmodified!.toISOString()).toBe(events[0]!.modified.toISOString());
  });
  it('writes line breaks of every kind as TEXT newlines and leaves out other control characters', () => {
    // CRLF is what Windows clients and HTML text areas send; a raw CR ends node-ical's reading of the value.
    const sent = 'Eka rivi\r\ntoka\rkolmas\u2028neljäs\u0001\u007f loppu\ttab';
    const read = 'Eka rivi\ntoka\nkolmas\nneljäs loppu\ttab';
    const event = calendarEventOf(
      stored({ meetingRealty: { ...realty, streetAddress: 'Katu 1\r\nB 2' }, notes: sent }),
      'FULL',
      60,
    );
    const document = icalendarOf([event], 'Meetings of agent 6d648e58');
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(document.replaceAll('\r\n', '')).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f\u2028]/);
    const vevent = Object.values(nodeIcal.sync.parseICS(document)).find((entry) => entry?.type === 'VEVENT') as VEvent;
    expect(vevent.description).toBe(read);
    expect(vevent.location).toBe('Katu 1\nB 2, 00170 Helsinki');
    const parsed = new ICAL.Event(new ICAL.Component(ICAL.parse(document)).getFirstSubcomponent('vevent')!);
    expect(parsed.description).toBe(read);
  });
});
