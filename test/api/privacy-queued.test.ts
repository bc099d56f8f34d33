/**
 * An erasure of a party named in more meetings than a request may take (SYNC_ERASURE_MEETINGS):
 * answered PENDING, then carried out by the erasure worker, fed by the erasure ledger's stream as
 * its event source mapping reads it on AWS (contract-history-privacy.md, "Erasure": completion).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../../shared/concurrency.js';
import { SYNC_ERASURE_MEETINGS } from '../../shared/use-cases/privacy-use-cases.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const privacy = tokenFor({ tenant, privacy: true });
const person = (partyId = randomUUID()) => ({ partyId, partyTypeCode: 'PERSON_PARTY' as const });

beforeAll(async () => {
  await api.runtime!.startStreamEventSources();
});

async function createMeetings(count: number, parties: () => ReturnType<typeof person>[]): Promise<string[]> {
  const ids: string[] = [];
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => i),
    8,
    async () => {
      ids.push(await api.create(meetingInput({ parties: parties(), notes: 'only the subject knows' })));
    },
  );
  return ids;
}

describe('an erasure left to the worker', () => {
  it('answers PENDING at once, then completes: every meeting erased or redacted', { timeout: 120_000 }, async () => {
    const subject = person();
    const alone = await createMeetings(SYNC_ERASURE_MEETINGS, () => [subject]);
    const shared = await createMeetings(3, () => [subject, person()]);

    const request = await api.call('POST', '/privacy/erasures', { token: privacy, body: { partyId: subject.partyId } });
    expect(request.status).toBe(202);
    expect(request.body).toMatchObject({ partyId: subject.partyId, status: 'PENDING' });
    expect(request.headers.get('location')).toBe(`/privacy/erasures/${request.body.erasureId}`);

    let erasure = request.body;
    const deadline = Date.now() + 90_000;
    while (erasure.status === 'PENDING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      erasure = (await api.call('GET', `/privacy/erasures/${request.body.erasureId}`, { token: privacy })).body;
    }
    expect(erasure).toMatchObject({
      erasureId: request.body.erasureId,
      status: 'COMPLETED',
      meetingsErased: SYNC_ERASURE_MEETINGS,
      meetingsRedacted: 3,
    });

    for (const id of [alone[0]!, alone.at(-1)!]) expect((await api.call('GET', `/meetings/${id}`)).status).toBe(410);
    for (const id of shared) {
      const { status, body } = await api.call('GET', `/meetings/${id}`);
      expect(status).toBe(200);
      expect(body.parties).toHaveLength(1);
      expect(body.parties[0].partyId).not.toBe(subject.partyId);
      expect(body.notes).toBeUndefined();
    }
    const search = await api.call('GET', `/meetings?partyId=${subject.partyId}`);
    expect(search.status).toBe(200);
    expect(search.body.totalCount).toBe(0);
  });
});
