import { describe, expect, it } from 'vitest';
import { assertConformsToContract } from '../support/api-client.js';

const response = (status: number, body: unknown, requestId = 'r1') => ({
  status,
  headers: new Headers({ 'Request-ID': requestId }),
  body,
  text: body === undefined ? '' : JSON.stringify(body),
});

describe('contract conformance check used by the API tests', () => {
  it('accepts what the document promises', () => {
    expect(() => assertConformsToContract('DELETE', '/meetings/abc', 'r1', response(204, undefined))).not.toThrow();
    expect(() =>
      assertConformsToContract('GET', '/meetings?size=1', 'r1', response(200, { meetings: [], totalCount: 0 })),
    ).not.toThrow();
  });

  it('refuses undeclared statuses, bodies outside the schema, bodies on 204 and a missing Request-ID echo', () => {
    expect(() =>
      assertConformsToContract('POST', '/meetings', 'r1', response(410, { errorCode: 'GONE', message: 'x' })),
    ).toThrow(/not declared/);
    expect(() =>
      assertConformsToContract('GET', '/meetings', 'r1', response(200, { meetings: [], totalCount: 0, extra: 1 })),
    ).toThrow(/MeetingSearchResult/);
    expect(() =>
      assertConformsToContract('GET', '/meetings/abc', 'r1', response(404, { errorCode: 'NOT_A_CODE', message: 'x' })),
    ).toThrow(/Error/);
    expect(() => assertConformsToContract('PUT', '/meetings/abc', 'r1', response(204, { unexpected: true }))).toThrow(
      /body where the contract has none/,
    );
    expect(() =>
      assertConformsToContract('GET', '/meetings', 'r2', response(200, { meetings: [], totalCount: 0 })),
    ).toThrow(/Request-ID/);
  });
});
