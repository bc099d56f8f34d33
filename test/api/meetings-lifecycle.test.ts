import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());

describe('create, get, update, delete over HTTP', () => {
  it('creates (201, Location, Request-ID echoed) and reads the meeting back in canonical form', async () => {
    const requestId = randomUUID();
    const input = meetingInput({
      visitTime: '2026-12-31T10:00:00+02:00',
      agencyOfficeId: '123E4567-E89B-12D3-A456-426655440000',
      realtyId: 'AAAAAAAA-E89B-12D3-A456-426655440000',
      priceEstimate: { minPrice: 250000, maxPrice: 280000 } as never,
      notes: 'Seller wants to move before summer.',
    });
    const created = await api.call('POST', '/meetings', { body: input, requestId });
    expect(created.status).toBe(201);
    expect(created.headers.get('request-id')).toBe(requestId);
    const { meetingId } = created.body;
    expect(meetingId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.body).toEqual({ meetingId });
    expect(created.headers.get('location')).toBe(`/meetings/${meetingId}`);

    const read = await api.call('GET', `/meetings/${meetingId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      meetingId,
      typeCode: input.typeCode,
      statusCode: 'WAITING',
      parties: input.parties,
      realtyId: 'aaaaaaaa-e89b-12d3-a456-426655440000',
      visitTime: '2026-12-31T08:00:00.000Z',
      agencyOfficeId: '123e4567-e89b-12d3-a456-426655440000',
      agents: input.agents,
      sourceTypeCode: 'ETUOVI',
      meetingRealty: input.meetingRealty,
      priceEstimate: { minPrice: 250000, maxPrice: 280000, currencyCode: 'EUR' },
      notes: 'Seller wants to move before summer.',
      creationTime: read.body.creationTime,
      modificationTime: read.body.creationTime,
    });
    expect(read.body.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('accepts any of the four statuses on create', async () => {
    for (const statusCode of ['WAITING', 'WON', 'LOST', 'CANCELLED'] as const) {
      const id = await api.create(meetingInput({ statusCode }));
      expect((await api.call('GET', `/meetings/${id}`)).body.statusCode).toBe(statusCode);
    }
  });

  it('replaces the whole meeting on update (absent optional fields removed), keeps creationTime, advances modificationTime', async () => {
    const id = await api.create(meetingInput({ notes: 'old notes', realtyId: randomUUID() }));
    const before = (await api.call('GET', `/meetings/${id}`)).body;
    const next = meetingInput({ typeCode: 'EVALUATION_VISIT', visitTime: '2027-01-01T09:00:00Z' });
    const updated = await api.call('PUT', `/meetings/${id}`, { body: next });
    expect([updated.status, updated.text]).toEqual([204, '']);
    const after = (await api.call('GET', `/meetings/${id}`)).body;
    expect(after).not.toHaveProperty('notes');
    expect(after).not.toHaveProperty('realtyId');
    expect(after).toMatchObject({
      typeCode: 'EVALUATION_VISIT',
      visitTime: '2027-01-01T09:00:00.000Z',
      creationTime: before.creationTime,
    });
    expect(after.modificationTime > before.modificationTime).toBe(true);
  });

  it('accepts the read-only fields it returned and ignores them', async () => {
    const id = await api.create(meetingInput());
    const read = (await api.call('GET', `/meetings/${id}`)).body;
    const sentBack = { ...read, meetingId: randomUUID(), creationTime: '2000-01-01T00:00:00Z', notes: 'edited' };
    expect((await api.call('PUT', `/meetings/${id}`, { body: sentBack })).status).toBe(204);
    const after = (await api.call('GET', `/meetings/${id}`)).body;
    expect(after).toMatchObject({ meetingId: id, creationTime: read.creationTime, notes: 'edited' });
  });

  it('finds ids case-insensitively', async () => {
    const id = await api.create(meetingInput());
    expect((await api.call('GET', `/meetings/${id.toUpperCase()}`)).body.meetingId).toBe(id);
  });

  it('answers 404 INVALID_ID for unknown ids and ids that are not uuids, on every operation', async () => {
    for (const path of [`/meetings/${randomUUID()}`, '/meetings/not-a-uuid']) {
      for (const [method, body] of [['GET'], ['PUT', meetingInput()], ['DELETE']] as const) {
        const response = await api.call(method, path, { body });
        expect([method, path, response.status, response.body.errorCode]).toEqual([method, path, 404, 'INVALID_ID']);
      }
    }
  });

  it('deletes a WAITING meeting (204) and then answers 410 GONE on get, update and delete', async () => {
    const id = await api.create(meetingInput());
    const deleted = await api.call('DELETE', `/meetings/${id}`);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    expect((await api.call('GET', `/meetings/${id}`)).status).toBe(410);
    const update = await api.call('PUT', `/meetings/${id}`, { body: meetingInput() });
    expect([update.status, update.body.errorCode]).toEqual([410, 'GONE']);
    expect((await api.call('DELETE', `/meetings/${id}`)).status).toBe(410);
  });
});
