/**
 * Values the contract accepts at its edges, and the few it now refuses because the service could
 * not store, compare or return them as the document says (each answered 500 before).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());

async function expectInvalid(body: unknown, target: string) {
  const response = await api.call('POST', '/meetings', { body });
  expect([response.status, response.body.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
  expect(response.body.errors).toEqual([expect.objectContaining({ target, errorCode: 'INVALID_TYPE' })]);
}

async function expectInvalidParameter(query: string, target: string) {
  const response = await api.call('GET', `/meetings?${query}`);
  expect([query, response.status, response.body.errorCode]).toEqual([query, 400, 'BAD_REQUEST_PARAMETERS']);
  expect(response.body.errors).toEqual([expect.objectContaining({ target, errorCode: 'INVALID_TYPE' })]);
}

describe('instants', () => {
  it('refuses a leap second, an offset without minutes and instants outside the years 0000-9999', async () => {
    for (const visitTime of [
      '2030-12-31T23:59:60Z',
      '2026-12-31T10:00:00+02',
      '9999-12-31T23:59:59-23:59',
      '0000-01-01T00:00:00+00:01',
    ]) {
      await expectInvalid(meetingInput({ visitTime }), 'visitTime');
    }
    for (const name of ['visitTimeAfter', 'visitTimeBefore', 'modifiedAfter']) {
      for (const value of ['2030-12-31T23:59:60Z', '9999-12-31T23:59:59-23:59'])
        await expectInvalidParameter(`${name}=${encodeURIComponent(value)}`, name);
    }
  });

  it('stores the edge instants and returns them in UTC, matching and sorting them as instants', async () => {
    const earliest = await api.create(meetingInput({ visitTime: '0000-01-01T00:00:00-00:01', notes: 'edge' }));
    const latest = await api.create(meetingInput({ visitTime: '9999-12-31 23:59:59.999999+23:59', notes: 'edge' }));
    expect((await api.call('GET', `/meetings/${earliest}`)).body.visitTime).toBe('0000-01-01T00:01:00.000Z');
    expect((await api.call('GET', `/meetings/${latest}`)).body.visitTime).toBe('9999-12-31T00:00:59.999Z');
    const after = await api.call(
      'GET',
      `/meetings?freeTextSearch=edge&visitTimeAfter=${encodeURIComponent('9999-12-31T00:00:59.998Z')}`,
    );
    expect(after.body.meetings.map((m: { meetingId: string }) => m.meetingId)).toEqual([latest]);
    const all = await api.call('GET', '/meetings?freeTextSearch=edge&sort=visitTime|desc');
    expect(all.body.meetings.map((m: { meetingId: string }) => m.meetingId)).toEqual([latest, earliest]);
  });
});

describe('numbers and text', () => {
  it('refuses a price too small for storage, keeps the smallest storable one exactly', async () => {
    await expectInvalid(
      meetingInput({ priceEstimate: { minPrice: 1e-131, currencyCode: 'EUR' } }),
      'priceEstimate.minPrice',
    );
    await expectInvalid(
      meetingInput({ priceEstimate: { maxPrice: 5e-324, currencyCode: 'EUR' } }),
      'priceEstimate.maxPrice',
    );
    const id = await api.create(
      meetingInput({ priceEstimate: { minPrice: 1e-130, maxPrice: 123456789.12345679, currencyCode: 'EUR' } }),
    );
    expect((await api.call('GET', `/meetings/${id}`)).body.priceEstimate).toEqual({
      minPrice: 1e-130,
      maxPrice: 123456789.12345679,
      currencyCode: 'EUR',
    });
  });

  it('refuses a lone surrogate in any text field', async () => {
    const raw = (json: string) =>
      api.call('POST', '/meetings', { rawBody: json, headers: { 'Content-Type': 'application/json' } });
    const body = JSON.stringify(meetingInput({ notes: 'SURROGATE' })).replace('SURROGATE', 'broken \\ud83d here');
    const response = await raw(body);
    expect([response.status, response.body.errors?.[0]?.target, response.body.errors?.[0]?.errorCode]).toEqual([
      400,
      'notes',
      'INVALID_TYPE',
    ]);
  });

  it('stores every limit at once: 50 parties, 20 agents, 10,000 Hangul characters of notes, and finds it', async () => {
    const input = meetingInput({
      parties: Array.from({ length: 50 }, () => ({ partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const })),
      agents: Array.from({ length: 20 }, () => ({ agentId: randomUUID() })),
      notes: '회의록'.repeat(3333) + '끝',
      meetingRealty: {
        categoryCode: 'SALE',
        streetAddress: '가'.repeat(500),
        postcode: '0'.repeat(20),
        postalArea: '나'.repeat(200),
      },
    });
    const id = await api.create(input);
    expect((await api.call('GET', `/meetings/${id}`)).body.notes).toBe(input.notes);
    const found = await api.call(
      'GET',
      `/meetings?partyId=${input.parties[49]!.partyId}&freeTextSearch=${encodeURIComponent('록회의')}`,
    );
    expect(found.body.meetings.map((m: { meetingId: string }) => m.meetingId)).toEqual([id]);
  });

  it('refuses a free-text term that folds to nothing instead of matching everything', async () => {
    await expectInvalidParameter(`freeTextSearch=${encodeURIComponent('\u0301\u0308')}`, 'freeTextSearch');
    await expectInvalidParameter(`freeTextSearch=${encodeURIComponent('hameentie \u0301')}`, 'freeTextSearch');
  });
});
