import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StatusCode } from '../../shared/domain/meeting.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());
const STATUSES: StatusCode[] = ['WAITING', 'WON', 'LOST', 'CANCELLED'];
const ALLOWED: Record<StatusCode, StatusCode[]> = {
  WAITING: STATUSES,
  WON: ['WON', 'LOST'],
  LOST: ['LOST', 'WON'],
  CANCELLED: ['CANCELLED'],
};

describe('status rules over HTTP', () => {
  for (const from of STATUSES) {
    it(`from ${from}: allowed statuses answer 204, others 400 INVALID_STATUS and change nothing`, async () => {
      for (const to of STATUSES) {
        const input = meetingInput({ statusCode: from });
        const id = await api.create(input);
        const before = (await api.call('GET', `/meetings/${id}`)).body;
        const response = await api.call('PUT', `/meetings/${id}`, {
          body: { ...input, statusCode: to, notes: 'edited' },
        });
        const after = (await api.call('GET', `/meetings/${id}`)).body;
        if (ALLOWED[from].includes(to)) {
          expect([from, to, response.status]).toEqual([from, to, 204]);
          expect(after).toMatchObject({ statusCode: to, notes: 'edited' });
        } else {
          expect([from, to, response.status, response.body.errorCode]).toEqual([from, to, 400, 'INVALID_STATUS']);
          expect(response.body.errors).toEqual([
            expect.objectContaining({ target: 'statusCode', errorCode: 'INVALID_STATUS' }),
          ]);
          expect(after).toEqual(before);
        }
      }
    });
  }

  for (const from of ['WON', 'LOST', 'CANCELLED'] as const) {
    it(`in ${from}, changing parties or visitTime is 400 INVALID_STATUS naming the field; other fields stay editable`, async () => {
      const input = meetingInput({ statusCode: from });
      const id = await api.create(input);
      const parties = await api.call('PUT', `/meetings/${id}`, {
        body: { ...input, parties: [...input.parties, { partyId: randomUUID(), partyTypeCode: 'ESTATE_PARTY' }] },
      });
      expect(parties.body.errors.map((e: { target: string }) => e.target)).toEqual(['parties']);
      const visit = await api.call('PUT', `/meetings/${id}`, { body: { ...input, visitTime: '2030-01-01T00:00:00Z' } });
      expect([visit.status, visit.body.errors.map((e: { target: string }) => e.target)]).toEqual([400, ['visitTime']]);
      // the same instant written in another offset is not a change
      const sameInstant = await api.call('PUT', `/meetings/${id}`, {
        body: {
          ...input,
          visitTime: '2026-12-31T08:00:00.000Z',
          sourceTypeCode: 'OIKOTIE',
          agents: [{ agentId: randomUUID() }],
        },
      });
      expect(sameInstant.status).toBe(204);
    });
  }

  it('lets a WAITING meeting change parties and visitTime in the same request that wins it', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const response = await api.call('PUT', `/meetings/${id}`, {
      body: {
        ...input,
        statusCode: 'WON',
        visitTime: '2027-02-02T12:00:00Z',
        parties: [{ partyId: randomUUID(), partyTypeCode: 'ORGANIZATION_PARTY' }],
      },
    });
    expect(response.status).toBe(204);
  });

  for (const status of ['WON', 'LOST', 'CANCELLED'] as const) {
    it(`refuses to delete a ${status} meeting with 400 INVALID_STATUS`, async () => {
      const id = await api.create(meetingInput({ statusCode: status }));
      const response = await api.call('DELETE', `/meetings/${id}`);
      expect([response.status, response.body.errorCode]).toEqual([400, 'INVALID_STATUS']);
      expect((await api.call('GET', `/meetings/${id}`)).status).toBe(200);
    });
  }
});
