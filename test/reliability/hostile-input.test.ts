/**
 * Hostile input, generated around the schema (fast-check): wrong types, huge values, unicode, deep
 * nesting, __proto__ / constructor keys, NaN and Infinity, bodies near and over the size limit,
 * odd query strings, headers and path ids. Every answer is a 4xx in the house format, never a 5xx,
 * and nothing is stored.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEETING_FIELD_ORDER, READ_ONLY_FIELDS } from '../../shared/domain/meeting.js';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi, type ApiResponse } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const expectClientError = (response: ApiResponse) => {
  expect(response.status, response.text).toBeGreaterThanOrEqual(400);
  expect(response.status, response.text).toBeLessThan(500);
  expect(validateError(response.body), response.text).toBe(true);
};

const weirdScalar = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '__proto__',
    'constructor',
    '\u0000',
    '💥'.repeat(5000),
    'x'.repeat(70_000),
  ),
);
const weirdValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    weirdScalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;
/** The fields a client writes: the meeting's, without the read-only ones. */
const FIELDS = MEETING_FIELD_ORDER.filter((field) => !(READ_ONLY_FIELDS as readonly string[]).includes(field));

/** A valid body with one or more fields replaced, removed or added: around the schema, mostly invalid. */
const mutatedBody = fc
  .record({
    replace: fc.dictionary(
      fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'prototype', 'meetingid'),
      weirdValue,
      { maxKeys: 3 },
    ),
    remove: fc.subarray(FIELDS, { maxLength: 2 }),
  })
  .filter(({ replace, remove }) => Object.keys(replace).length + remove.length > 0)
  .map(({ replace, remove }) => {
    const body: Record<string, unknown> = { ...meetingInput() };
    for (const name of remove) delete body[name];
    for (const [name, value] of Object.entries(replace))
      Object.defineProperty(body, name, { value, enumerable: true, writable: true, configurable: true });
    return body;
  });

async function storedCount(): Promise<number> {
  const response = await api.call('GET', '/meetings?size=1', { token: tokenFor({ tenant }) });
  return response.body.totalCount;
}

describe('hostile input never reaches a 5xx and stores nothing', () => {
  it('bodies around the schema on POST and PUT', async () => {
    const existing = await api.create(meetingInput({ notes: 'keep me' }));
    const before = await storedCount();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(mutatedBody, fc.constantFrom('POST', 'PUT'), async (body, method) => {
        const path = method === 'POST' ? '/meetings' : `/meetings/${existing}`;
        const response = await api.call(method, path, { body });
        // a mutation may still be valid (e.g. a removed optional field): that is a success, not an error
        if (response.status === 201) created++;
        if (response.status < 300) return;
        expectClientError(response);
      }),
      { numRuns: RUNS },
    );
    // exactly the accepted creates were stored, none of the refused ones
    expect(await storedCount()).toBe(before + created);
  });

  it('invalid bodies change nothing: the meeting reads the same afterwards', async () => {
    const id = await api.create(meetingInput({ notes: 'original' }));
    const before = (await api.call('GET', `/meetings/${id}`)).body;
    await fc.assert(
      fc.asyncProperty(mutatedBody, async (body) => {
        const response = await api.call('PUT', `/meetings/${id}`, { body });
        if (response.status === 204) {
          // the mutation happened to be valid: restore, so that the next run compares to the original
          await api.call('PUT', `/meetings/${id}`, { body: { ...before, modificationTime: undefined } });
          return;
        }
        expectClientError(response);
        const now = (await api.call('GET', `/meetings/${id}`)).body;
        expect(now.notes).toBe('original');
      }),
      { numRuns: RUNS },
    );
  });

  it('raw bytes: not JSON, deep nesting, near and over 64 KiB, NaN and Infinity literals', async () => {
    const raw = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.integer({ min: 1, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
      fc.integer({ min: 1, max: 5_000 }).map((depth) => '{"notes":'.repeat(depth) + '1' + '}'.repeat(depth)),
      fc
        .integer({ min: 65_000, max: 70_000 })
        .map((size) => JSON.stringify({ ...meetingInput(), notes: 'n'.repeat(size) })),
      fc.constantFrom(
        '{"typeCode": NaN}',
        '{"priceEstimate": {"minPrice": Infinity}}',
        '{"a":1,"a":2}',
        '\uFEFF{}',
        'null',
        '[]',
        '"x"',
        '1e999',
      ),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (rawBody) => {
        expectClientError(
          await api.call('POST', '/meetings', { rawBody, headers: { 'Content-Type': 'application/json' } }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('query strings, headers and path ids', async () => {
    const name = fc.oneof(
      fc.constantFrom(
        'size',
        'startIndex',
        'sort',
        'statusCode',
        'agentId',
        'visitTimeAfter',
        'freeTextSearch',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 10 }),
    );
    const query = fc.array(fc.tuple(name, fc.string({ unit: 'grapheme', maxLength: 30 })), {
      minLength: 1,
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(query, async (pairs) => {
        const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const response = await api.call('GET', `/meetings?${qs}`);
        if (response.status === 200) return; // a valid search, e.g. freeTextSearch=x
        expectClientError(response);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.string({ unit: 'binary-ascii', maxLength: 60 }),
        async (id, requestId) => {
          const path = `/meetings/${encodeURIComponent(id)}`;
          const safeRequestId = requestId.replace(/[^\x21-\x7e]/g, '') || 'x';
          const response = await api.call('GET', path, { requestId: safeRequestId });
          expectClientError(response);
        },
      ),
      { numRuns: RUNS },
    );
    expect((await api.call('GET', `/meetings/${randomUUID()}`)).status).toBe(404);
  });
});
