import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { assertMeetingRules } from '../../shared/domain/meeting-rules.js';
import { ApiError } from '../../shared/http/api-error.js';
import { parseEntityTagCondition } from '../../shared/http/conditional-headers.js';
import { toApiError } from '../../shared/http/error-mapping.js';
import { parseMeetingBody } from '../../shared/http/meeting-body.js';
import { parseMeetingId, parseRequestId } from '../../shared/http/request-parsing.js';
import { parseSearchCriteria } from '../../shared/http/search-parameters.js';
import { meetingInput } from '../../support/fixtures.js';

const bodyEvent = (body: unknown, contentType = 'application/json') =>
  ({
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEvent;

function apiErrorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    // Domain refusals reach the client as the HTTP edge maps them.
    const mapped = toApiError(error);
    if (mapped.errorCode !== 'TECHNICAL_ERROR') return mapped;
    throw error;
  }
  throw new Error('expected an ApiError');
}

const items = (error: ApiError) => error.errors.map(({ target, errorCode }) => ({ target, errorCode }));

describe('meeting body', () => {
  it('accepts a valid body, with a charset parameter on the media type', () => {
    expect(parseMeetingBody(bodyEvent(meetingInput(), 'Application/JSON; charset=utf-8')).typeCode).toBe(
      'SALES_MEETING',
    );
  });

  it('refuses other media types with 415 before looking at the body', () => {
    const error = apiErrorOf(() => parseMeetingBody(bodyEvent('not json', 'text/plain')));
    expect([error.status, error.errorCode]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(
      apiErrorOf(() => parseMeetingBody({ headers: {}, body: '{}' } as unknown as APIGatewayProxyEvent)).status,
    ).toBe(415);
  });

  it('refuses a missing body, non-JSON and bodies over 64 KiB with BAD_REQUEST_BODY', () => {
    for (const body of [
      '',
      '{"typeCode":',
      'NaN',
      JSON.stringify({ ...meetingInput(), notes: 'x'.repeat(64 * 1024) }),
    ]) {
      const error = apiErrorOf(() => parseMeetingBody(bodyEvent(body)));
      expect([error.status, error.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
      expect(error.errors[0]?.target).toBe('body');
    }
  });

  it('maps missing fields to VALUE_REQUIRED, wrong types and values to INVALID_TYPE, unknown fields to BAD_REQUEST_BODY', () => {
    const { agents: _agents, ...withoutAgents } = meetingInput();
    const body = {
      ...withoutAgents,
      statusCode: 'DONE',
      parties: [{ partyId: 'not-a-uuid', partyTypeCode: 'PERSON_PARTY', extra: true }],
      visitTime: '2026-12-31T10:00:00', // no offset
      notes: null,
      meetingRealty: { categoryCode: 'SALE', postcode: 12345 },
      unknown: 1,
    };
    const error = apiErrorOf(() => parseMeetingBody(bodyEvent(body)));
    expect([error.status, error.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
    expect(items(error)).toEqual(
      expect.arrayContaining([
        { target: 'agents', errorCode: 'VALUE_REQUIRED' },
        { target: 'statusCode', errorCode: 'INVALID_TYPE' },
        { target: 'parties[0].partyId', errorCode: 'INVALID_TYPE' },
        { target: 'parties[0].extra', errorCode: 'BAD_REQUEST_BODY' },
        { target: 'visitTime', errorCode: 'INVALID_TYPE' },
        { target: 'notes', errorCode: 'INVALID_TYPE' },
        { target: 'meetingRealty.postcode', errorCode: 'INVALID_TYPE' },
        { target: 'unknown', errorCode: 'BAD_REQUEST_BODY' },
      ]),
    );
    expect(error.errors).toHaveLength(8); // one item per field, though a bad uuid fails two schema rules
  });

  it('refuses empty parties and agents, a urn:uuid id, notes over 10,000 code points, a bad currency', () => {
    const error = apiErrorOf(() =>
      parseMeetingBody(
        bodyEvent({
          ...meetingInput(),
          parties: [],
          agents: [{ agentId: 'urn:uuid:6d648e58-edcc-47c2-93c1-6f5568bac85f' }],
          notes: '😀'.repeat(10_001),
          priceEstimate: { minPrice: 1, currencyCode: 'eur' },
        }),
      ),
    );
    expect(items(error)).toEqual([
      { target: 'parties', errorCode: 'INVALID_TYPE' },
      { target: 'agents[0].agentId', errorCode: 'INVALID_TYPE' },
      { target: 'priceEstimate.currencyCode', errorCode: 'INVALID_TYPE' },
      { target: 'notes', errorCode: 'INVALID_TYPE' },
    ]);
    // 10,000 code points (20,000 UTF-16 units) is still fine
    expect(parseMeetingBody(bodyEvent({ ...meetingInput(), notes: '😀'.repeat(10_000) })).notes).toHaveLength(20_000);
  });

  it('accepts the read-only fields of a read meeting and a __proto__ key is an unknown field', () => {
    expect(() =>
      parseMeetingBody(bodyEvent({ ...meetingInput(), meetingId: 'x', creationTime: 1, modificationTime: null })),
    ).not.toThrow();
    const error = apiErrorOf(() =>
      parseMeetingBody(bodyEvent(`{"__proto__":{"polluted":true},${JSON.stringify(meetingInput()).slice(1)}`)),
    );
    expect(items(error)).toEqual([{ target: '__proto__', errorCode: 'BAD_REQUEST_BODY' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applies cross-field rules: unique ids, a price range with min <= max and at least one bound', () => {
    const party = { partyId: '75596cf8-9372-4d20-a420-500b9eed403a', partyTypeCode: 'PERSON_PARTY' as const };
    const error = apiErrorOf(() =>
      assertMeetingRules(
        meetingInput({
          parties: [party, { ...party, partyId: party.partyId.toUpperCase() }],
          agents: [
            { agentId: '6d648e58-edcc-47c2-93c1-6f5568bac85f' },
            { agentId: '6d648e58-edcc-47c2-93c1-6f5568bac85f' },
          ],
          priceEstimate: { minPrice: 10, maxPrice: 5, currencyCode: 'EUR' },
        }),
      ),
    );
    expect(items(error)).toEqual([
      { target: 'parties[1].partyId', errorCode: 'BAD_REQUEST_BODY' },
      { target: 'agents[1].agentId', errorCode: 'BAD_REQUEST_BODY' },
      { target: 'priceEstimate.minPrice', errorCode: 'BAD_REQUEST_BODY' },
    ]);
    expect(
      items(apiErrorOf(() => assertMeetingRules(meetingInput({ priceEstimate: { currencyCode: 'EUR' } })))),
    ).toEqual([{ target: 'priceEstimate', errorCode: 'BAD_REQUEST_BODY' }]);
  });
});

describe('headers and path', () => {
  it('requires a uuid Request-ID', () => {
    expect(parseRequestId({ headers: { 'request-id': '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9' } })).toBe(
      '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9',
    );
    const missing = apiErrorOf(() => parseRequestId({ headers: {} }));
    expect([missing.errorCode, ...items(missing)]).toEqual([
      'BAD_REQUEST_PARAMETERS',
      { target: 'Request-ID', errorCode: 'VALUE_REQUIRED' },
    ]);
    const malformed = apiErrorOf(() => parseRequestId({ headers: { 'Request-ID': 'abc' } }));
    expect(items(malformed)).toEqual([{ target: 'Request-ID', errorCode: 'INVALID_TYPE' }]);
  });

  it("reads If-Match from API Gateway's event as one list of every line (multiValueHeaders), not the last line", () => {
    // API Gateway's REST proxy event for `If-Match: "a"` and `if-match: W/"b", "c"` on two lines.
    const event = {
      headers: { 'if-match': 'W/"b", "c"' },
      multiValueHeaders: { 'If-Match': ['"a"'], 'if-match': ['W/"b", "c"'] },
    };
    expect(parseEntityTagCondition(event, 'If-Match')).toEqual({
      tags: [
        { tag: 'a', weak: false },
        { tag: 'b', weak: true },
        { tag: 'c', weak: false },
      ],
    });
    expect(parseEntityTagCondition({ headers: { 'If-None-Match': '*' } }, 'If-None-Match')).toEqual({ any: true });
    const malformed = apiErrorOf(() =>
      parseEntityTagCondition(
        { headers: { 'If-Match': '"a"' }, multiValueHeaders: { 'If-Match': ['x', '"a"'] } },
        'If-Match',
      ),
    );
    expect(items(malformed)).toEqual([{ target: 'If-Match', errorCode: 'INVALID_TYPE' }]);
  });

  it('treats a path id that is not a uuid as unknown (404) and lowercases ids', () => {
    expect(apiErrorOf(() => parseMeetingId({ pathParameters: { meetingId: 'abc' } })).errorCode).toBe('INVALID_ID');
    expect(parseMeetingId({ pathParameters: { meetingId: 'C6D2288D-2ECB-448A-AEF3-FD5144920E0B' } })).toBe(
      'c6d2288d-2ecb-448a-aef3-fd5144920e0b',
    );
  });
});

describe('search parameters', () => {
  const query = (multi: Record<string, string[]> | null) =>
    parseSearchCriteria({ multiValueQueryStringParameters: multi, queryStringParameters: null });

  it('applies defaults', () => {
    expect(query(null)).toMatchObject({ startIndex: 0, size: 50, sort: [{ field: 'visitTime', direction: 'asc' }] });
  });

  it('accepts repeated and comma-separated array values, normalizing ids and instants', () => {
    const c = query({
      statusCode: ['WON,LOST', 'CANCELLED'],
      agentId: ['6D648E58-EDCC-47C2-93C1-6F5568BAC85F'],
      visitTimeAfter: ['2026-01-01T12:00:00+02:00'],
      sort: ['modificationTime|desc,visitTime|asc'],
      startIndex: ['20'],
      size: ['40'],
      freeTextSearch: ['  Hämeen  TIE '],
    });
    expect(c).toMatchObject({
      statusCode: ['WON', 'LOST', 'CANCELLED'],
      agentId: ['6d648e58-edcc-47c2-93c1-6f5568bac85f'],
      visitTimeAfter: '2026-01-01T10:00:00.000Z',
      sort: [
        { field: 'modificationTime', direction: 'desc' },
        { field: 'visitTime', direction: 'asc' },
      ],
      startIndex: 20,
      size: 40,
      freeTextTerms: ['hameen', 'tie'],
    });
  });

  it('names each bad parameter: empty, malformed, out of range, given twice, unknown, sort field twice', () => {
    const error = apiErrorOf(() =>
      query({
        statusCode: ['WON,'],
        agentId: ['nope'],
        size: ['101'],
        startIndex: ['-1'],
        visitTimeBefore: ['yesterday'],
        modifiedAfter: ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
        freeTextSearch: ['   '],
        colour: ['red'],
        sort: ['visitTime|asc', 'visitTime|desc'],
      }),
    );
    expect([error.status, error.errorCode]).toEqual([400, 'BAD_REQUEST_PARAMETERS']);
    expect(items(error)).toEqual(
      expect.arrayContaining([
        { target: 'statusCode', errorCode: 'VALUE_REQUIRED' },
        { target: 'freeTextSearch', errorCode: 'VALUE_REQUIRED' },
        { target: 'agentId', errorCode: 'INVALID_TYPE' },
        { target: 'size', errorCode: 'INVALID_TYPE' },
        { target: 'startIndex', errorCode: 'INVALID_TYPE' },
        { target: 'visitTimeBefore', errorCode: 'INVALID_TYPE' },
        { target: 'modifiedAfter', errorCode: 'INVALID_TYPE' },
        { target: 'colour', errorCode: 'INVALID_TYPE' },
        { target: 'sort', errorCode: 'INVALID_TYPE' },
      ]),
    );
    expect(error.errors).toHaveLength(9);
  });

  it('bounds deep paging: startIndex + size at most 10,000, naming startIndex', () => {
    expect(query({ startIndex: ['9950'], size: ['50'] })).toMatchObject({ startIndex: 9950, size: 50 });
    expect(items(apiErrorOf(() => query({ startIndex: ['9951'], size: ['50'] })))).toEqual([
      { target: 'startIndex', errorCode: 'INVALID_TYPE' },
    ]);
    expect(items(apiErrorOf(() => query({ startIndex: ['9999'] })))).toEqual([
      { target: 'startIndex', errorCode: 'INVALID_TYPE' },
    ]);
  });

  it('refuses unsupported sort fields and directions, and size 0', () => {
    for (const [name, value] of [
      ['sort', 'notes|asc'],
      ['sort', 'visitTime|up'],
      ['sort', 'visitTime'],
      ['size', '0'],
      ['startIndex', '1.5'],
    ] as const) {
      expect(items(apiErrorOf(() => query({ [name]: [value] })))).toEqual([
        { target: name, errorCode: 'INVALID_TYPE' },
      ]);
    }
  });
});
