/**
 * Schema-valid extremes, generated from openapi/meeting-api.yaml (test/support/schema-arbitraries.ts):
 * boundary lengths and counts, extreme numbers and instants, every Unicode plane, normalisation
 * forms, all limits at once; run against create, update, get and search over HTTP.
 *
 * The properties: never a 5xx (a value may be refused with 400 in the house error body), and every
 * 2xx reads back equal to what was sent, normalised as the document says. The normalisation is
 * written here from the document's words, not imported from the service (an independent oracle):
 * - uuids (format: uuid) are compared case-insensitively: read back lowercased;
 * - date-times (visitTime) are "returned in UTC": the same instant, YYYY-MM-DDTHH:mm:ss.sssZ,
 *   fraction digits past the millisecond truncated;
 * - a property's `default` applies when it is not sent (priceEstimate.currencyCode: EUR);
 * - read-only fields (meetingId, creationTime, modificationTime) are accepted and ignored;
 * - everything else exactly as sent: strings code unit for code unit (no Unicode normalisation),
 *   numbers equal.
 *
 * EXTREME_RUNS sets the number of runs of each property (default below, about a minute in all).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi, type ApiResponse } from '../support/api-client.js';
import {
  arbitraryOfSchema,
  codePointLength,
  meetingInputArbitrary,
  openApiDocument,
  resolveSchema,
  schemaNamed,
  type Schema,
} from '../support/schema-arbitraries.js';

const RUNS = Number(process.env.EXTREME_RUNS ?? 100);
/** Shrinking a failure over HTTP can take long: stop and report what has been shrunk by then. */
const TIME_LIMIT_MS = Number(process.env.EXTREME_TIME_LIMIT_MS ?? 150_000);
const TEST_TIMEOUT_MS = TIME_LIMIT_MS + 60_000;
const assertOptions = { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false };

const api = useApi(uniqueTenant());
const meetingInputSchema = schemaNamed('MeetingInput');

// ---------------------------------------------------------------------------------------------
// The oracle: what a read must return for what was sent, from the document's rules
// ---------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (month <= 2 ? 1 : 0), month, day];
}
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The same instant in UTC, millisecond precision, YYYY-MM-DDTHH:mm:ss.sssZ. A leap second stays
 * second 60 of its (UTC) minute. Throws when the value names no instant the format can write.
 */
function utcInstant(text: string): string {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/.exec(text);
  if (!m) throw new Error(`the API accepted date-time ${JSON.stringify(text)}, which is not RFC 3339`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = second === 60;
  const leapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 60) {
    throw new Error(`the API accepted date-time ${JSON.stringify(text)}, which is no calendar instant`);
  }
  const millis = Number(((m[7] ?? '') + '000').slice(0, 3)); // truncated, not rounded
  const offsetMinutes = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? 0));
  const total =
    daysFromCivil(year, month, day) * 86_400_000 +
    ((hour * 60 + minute - offsetMinutes) * 60 + (leap ? 59 : second)) * 1000 +
    millis;
  const days = Math.floor(total / 86_400_000);
  let rest = total - days * 86_400_000;
  const [y, mo, d] = civilFromDays(days);
  if (y < 0 || y > 9999)
    throw new Error(
      `the API accepted date-time ${JSON.stringify(text)}, whose UTC instant is outside years 0000..9999`,
    );
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = leap ? 60 : Math.floor(rest / 1000);
  const ms = rest % 1000;
  return `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}.${String(ms).padStart(3, '0')}Z`;
}

/** What reading back `sent` must return, by the document's rules (see the header). */
function expectedRead(input: Schema, sent: unknown): unknown {
  const schema = resolveSchema(input);
  if (sent === null || sent === undefined) return sent;
  if (Array.isArray(sent)) return sent.map((item) => expectedRead(schema.items ?? {}, item));
  if (typeof sent === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(sent as Record<string, unknown>)) {
      const property = schema.properties?.[name];
      if (property && (property.readOnly || resolveSchema(property).readOnly)) continue;
      out[name] = expectedRead(property ?? {}, value);
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const resolved = resolveSchema(property);
      if (!(name in out) && resolved.default !== undefined && !resolved.readOnly) out[name] = resolved.default;
    }
    return out;
  }
  if (typeof sent === 'string' && schema.format === 'uuid') return sent.toLowerCase();
  if (typeof sent === 'string' && schema.format === 'date-time') return utcInstant(sent);
  return sent;
}

/** What was sent is its JSON: -0 is 0, a property set to undefined is absent. */
const asSent = (body: unknown) => JSON.parse(JSON.stringify(body));
const readOnlyNames = Object.entries(meetingInputSchema.properties ?? {})
  .filter(([, property]) => property.readOnly || resolveSchema(property).readOnly)
  .map(([name]) => name);
const withoutReadOnly = (meeting: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(meeting).filter(([name]) => !readOnlyNames.includes(name)));

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const describeResponse = (response: ApiResponse) => `${response.status} ${response.text.slice(0, 500)}`;

/** One of the success statuses, or a 400 in the house error body; never a 5xx, never anything else. */
function expectSuccessOr400(response: ApiResponse, success: number) {
  expect([success, 400], describeResponse(response)).toContain(response.status);
  if (response.status === 400) expect(validateError(response.body), response.text).toBe(true);
}

async function expectReadsBack(id: string, sent: unknown, token?: string) {
  const read = await api.call('GET', `/meetings/${id}`, token ? { token } : {});
  expect(read.status, describeResponse(read)).toBe(200);
  expect(withoutReadOnly(read.body)).toStrictEqual(expectedRead(meetingInputSchema, asSent(sent)));
  return read.body as Record<string, unknown>;
}

const ALLOWED_NEXT: Record<string, string[]> = {
  WAITING: ['WAITING', 'WON', 'LOST', 'CANCELLED'],
  WON: ['WON', 'LOST'],
  LOST: ['LOST', 'WON'],
  CANCELLED: ['CANCELLED'],
};

/** Counts of outcomes, printed at the end of each property: a property that only ever saw 400s proves little. */
function tally() {
  const counts: Record<string, number> = {};
  return {
    add: (key: string, response?: ApiResponse) => {
      // for a 400, which fields were refused (indices dropped): the spread of what the API refuses
      const refused =
        response?.status === 400
          ? [
              ...new Set(
                (response.body?.errors ?? []).map((e: { target: string }) => e.target.replace(/\[\d+\]/g, '[]')),
              ),
            ]
              .sort()
              .join(',')
          : '';
      const name = refused ? `${key} (${refused})` : key;
      counts[name] = (counts[name] ?? 0) + 1;
    },
    print: (name: string) => console.info(`${name}: ${JSON.stringify(counts)}`),
  };
}

// ---------------------------------------------------------------------------------------------
// Search helpers
// ---------------------------------------------------------------------------------------------

const SEARCHABLE = (
  ['notes', 'meetingRealty.streetAddress', 'meetingRealty.postalArea', 'meetingRealty.postcode'] as const
).map((path) => path.split('.'));
const isLoneSurrogate = (c: string) => c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff;

/**
 * A term of 3..maxLength code points taken from the meeting's searchable text: whitespace-free,
 * well-formed, not only combining marks. Undefined when the text has no such run.
 */
function termFrom(body: Record<string, any>, fieldPick: number, startPick: number, length: number): string | undefined {
  const texts = SEARCHABLE.map((path) => path.reduce<any>((node, key) => node?.[key], body)).filter(
    (t): t is string => typeof t === 'string',
  );
  const runs: string[][] = [];
  for (const text of texts) {
    let run: string[] = [];
    for (const c of Array.from(text)) {
      if (/\s/u.test(c) || isLoneSurrogate(c)) {
        if (run.length >= 3) runs.push(run);
        run = [];
      } else run.push(c);
    }
    if (run.length >= 3) runs.push(run);
  }
  if (runs.length === 0) return undefined;
  const run = runs[fieldPick % runs.length]!;
  const size = Math.min(length, run.length);
  const start = startPick % (run.length - size + 1);
  const term = run.slice(start, start + size).join('');
  return /\P{M}/u.test(term) ? term : undefined;
}

const searchParameters = (openApiDocument.paths['/meetings'].get.parameters as Schema[]).map(
  (p) => resolveSchema(p) as Schema & { name: string; schema: Schema },
);
/** The date-time query parameters of GET /meetings, from the document, each with its generator. */
const dateTimeFilters = fc
  .record(
    Object.fromEntries(
      searchParameters
        .filter((p) => resolveSchema(p.schema ?? {}).format === 'date-time')
        .map((p) => [p.name, arbitraryOfSchema(p.schema) as fc.Arbitrary<string>]),
    ),
    { requiredKeys: [] },
  )
  .filter((filters) => Object.keys(filters).length > 0);

const query = (params: Record<string, string | undefined>) =>
  Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('schema-valid extremes: never a 5xx, and a 2xx reads back as sent', () => {
  it('create: 201 or 400; a created meeting reads back equal, normalised', { timeout: TEST_TIMEOUT_MS }, async () => {
    const outcomes = tally();
    await fc.assert(
      fc.asyncProperty(meetingInputArbitrary(), async (body) => {
        const created = await api.call('POST', '/meetings', { body });
        expectSuccessOr400(created, 201);
        outcomes.add(String(created.status), created);
        if (created.status !== 201) return;
        await expectReadsBack(created.body.meetingId, body);
      }),
      assertOptions,
    );
    outcomes.print('create');
  });

  it(
    'update: 204 or 400; an updated meeting reads back equal, normalised (also shrinking and growing)',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const outcomes = tally();
      const updateCase = fc.oneof(
        fc.tuple(fc.constant('random'), meetingInputArbitrary(), meetingInputArbitrary()),
        fc.tuple(
          fc.constant('shrink'),
          meetingInputArbitrary({ counts: 'max' }),
          meetingInputArbitrary({ counts: 'min' }),
        ),
        fc.tuple(
          fc.constant('grow'),
          meetingInputArbitrary({ counts: 'min' }),
          meetingInputArbitrary({ counts: 'max' }),
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          updateCase,
          fc.nat(),
          fc.boolean(),
          async ([shape, first, second], statusPick, sendReadOnly) => {
            // shrinking and growing change the parties: only allowed while WAITING
            const original = shape === 'random' ? first : { ...first, statusCode: 'WAITING' };
            const created = await api.call('POST', '/meetings', { body: original });
            expectSuccessOr400(created, 201);
            if (created.status !== 201) return void outcomes.add(`create ${created.status}`, created);
            const id = created.body.meetingId as string;
            const read = await expectReadsBack(id, original);

            // a change the status rules allow: from a locked status, parties and visitTime stay as stored
            let replacement: Record<string, unknown> = second;
            if (original.statusCode !== 'WAITING') {
              const allowed = ALLOWED_NEXT[original.statusCode as string]!;
              const statusCode = allowed.includes(second.statusCode)
                ? second.statusCode
                : allowed[statusPick % allowed.length];
              replacement = { ...second, statusCode, parties: original.parties, visitTime: original.visitTime };
            }
            // a client may send back the read-only fields it read: accepted and ignored
            if (sendReadOnly)
              replacement = { ...replacement, ...Object.fromEntries(readOnlyNames.map((name) => [name, read[name]])) };
            const updated = await api.call('PUT', `/meetings/${id}`, { body: replacement });
            expectSuccessOr400(updated, 204);
            outcomes.add(`${shape} ${updated.status}`, updated);
            if (updated.status === 204) await expectReadsBack(id, replacement);
            else await expectReadsBack(id, original); // a refused update changes nothing
          },
        ),
        assertOptions,
      );
      outcomes.print('update');
    },
  );

  it(
    'search: free text from the meeting finds it; extreme date-time filters answer 200 or 400',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const outcomes = tally();
      await fc.assert(
        fc.asyncProperty(
          meetingInputArbitrary(),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 3, max: 40 }),
          dateTimeFilters,
          async (body, fieldPick, startPick, length, filters) => {
            // a tenant of its own: the search sees this meeting only
            const token = tokenFor({ tenant: uniqueTenant() });
            const created = await api.call('POST', '/meetings', { body, token });
            expectSuccessOr400(created, 201);
            if (created.status === 201) {
              const term = termFrom(body, fieldPick, startPick, length);
              if (term === undefined) outcomes.add('no term');
              else {
                const found = await api.call('GET', `/meetings?${query({ freeTextSearch: term })}`, { token });
                expectSuccessOr400(found, 200);
                outcomes.add(`freeTextSearch ${found.status}`, found);
                if (found.status === 200) {
                  expect(
                    found.body.meetings.map((m: { meetingId: string }) => m.meetingId),
                    `freeTextSearch=${JSON.stringify(term)} (${codePointLength(term)} code points)`,
                  ).toContain(created.body.meetingId);
                }
              }
            } else outcomes.add(`create ${created.status}`, created);

            const filtered = await api.call('GET', `/meetings?${query(filters)}`, { token });
            expectSuccessOr400(filtered, 200);
            outcomes.add(`date-time filters ${filtered.status}`, filtered);
          },
        ),
        assertOptions,
      );
      outcomes.print('search');
    },
  );
});

// ---------------------------------------------------------------------------------------------
// All limits at once, as fixed examples
// ---------------------------------------------------------------------------------------------

const maxOf = (schema: Schema, property: string, keyword: 'maxLength' | 'maxItems' | 'maximum') => {
  const value = resolveSchema(resolveSchema(schema).properties![property]!)[keyword];
  if (value === undefined) throw new Error(`${property} has no ${keyword} in the document`);
  return value;
};
const uuidUpper = () => randomUUID().toUpperCase();
/** `count` code points: the text, repeated and cut. */
const codePointsOf = (text: string, count: number) => {
  const units = Array.from(text);
  return Array.from({ length: count }, (_, i) => units[i % units.length]).join('');
};

function allLimitsMeeting(notesCharacter: string, currencyCode: string | undefined): Record<string, any> {
  const realty = schemaNamed('MeetingRealty');
  const price = schemaNamed('PriceEstimate');
  const maxPrice = Math.min(maxOf(price, 'minPrice', 'maximum'), maxOf(price, 'maxPrice', 'maximum'));
  return {
    typeCode: 'EVALUATION_VISIT',
    statusCode: 'WAITING',
    parties: Array.from({ length: maxOf(meetingInputSchema, 'parties', 'maxItems') }, (_, i) => ({
      partyId: uuidUpper(),
      partyTypeCode: ['PERSON_PARTY', 'ESTATE_PARTY', 'ORGANIZATION_PARTY'][i % 3],
    })),
    realtyId: uuidUpper(),
    visitTime: '9999-12-31T23:59:59.999999999+23:59',
    agencyOfficeId: uuidUpper(),
    agents: Array.from({ length: maxOf(meetingInputSchema, 'agents', 'maxItems') }, () => ({ agentId: uuidUpper() })),
    sourceTypeCode: 'ASUNTOJENHINNAT_FI',
    meetingRealty: {
      categoryCode: 'SALE',
      subCategoryCode: 'RESIDENTIAL_PROPERTY',
      streetAddress: codePointsOf('Åbovägen 3 ẞ 🏠 אבג ', maxOf(realty, 'streetAddress', 'maxLength')),
      postcode: codePointsOf('Ö0😀', maxOf(realty, 'postcode', 'maxLength')),
      postalArea: codePointsOf('Hämeenlinna한국', maxOf(realty, 'postalArea', 'maxLength')),
    },
    priceEstimate: { minPrice: maxPrice, maxPrice, ...(currencyCode ? { currencyCode } : {}) },
    notes: codePointsOf(notesCharacter, maxOf(meetingInputSchema, 'notes', 'maxLength')),
  };
}

async function allLimitsRoundTrip(notesCharacter: string, currencyCode: string | undefined) {
  const token = tokenFor({ tenant: uniqueTenant() });
  const body = allLimitsMeeting(notesCharacter, currencyCode);
  const created = await api.call('POST', '/meetings', { body, token });
  expect(created.status, describeResponse(created)).toBe(201);
  const id = created.body.meetingId as string;
  await expectReadsBack(id, body, token);

  const search = async (params: Record<string, string>) => {
    const response = await api.call('GET', `/meetings?${query(params)}`, { token });
    expect(response.status, describeResponse(response)).toBe(200);
    return response.body.meetings.map((m: { meetingId: string }) => m.meetingId) as string[];
  };
  const [kept, ...dropped] = body.parties as { partyId: string }[];
  expect(await search({ partyId: dropped.at(-1)!.partyId })).toEqual([id]);
  expect(await search({ freeTextSearch: codePointsOf(notesCharacter, 3) })).toEqual([id]);

  // shrink: one party, one agent, almost no notes, the least realty and price
  const shrunk = {
    ...body,
    parties: [kept],
    agents: body.agents.slice(-1),
    notes: Array.from(notesCharacter)[0],
    meetingRealty: { categoryCode: 'RENT' },
    priceEstimate: { minPrice: 0 },
  };
  const updated = await api.call('PUT', `/meetings/${id}`, { body: shrunk, token });
  expect(updated.status, describeResponse(updated)).toBe(204);
  await expectReadsBack(id, shrunk, token);
  expect(await search({ partyId: dropped.at(-1)!.partyId })).toEqual([]);
  expect(await search({ partyId: dropped[0]!.partyId.toLowerCase() })).toEqual([]);
  expect(await search({ partyId: kept!.partyId })).toEqual([id]);
}

describe('all limits at once: 50 parties, 20 agents, every string at its maxLength, the maximum price', () => {
  it(
    'notes of a 4-byte character (U+1F600): create, read, search, shrink to the minimum, search again',
    { timeout: 60_000 },
    () => allLimitsRoundTrip('😀', undefined),
  );
  it('notes of Hangul: create, read, search, shrink to the minimum, search again', { timeout: 60_000 }, () =>
    allLimitsRoundTrip('한국어', 'SEK'),
  );
});
