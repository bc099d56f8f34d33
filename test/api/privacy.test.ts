/**
 * A data subject's erasure and export, black-box against the functions as deployed
 * (contract-history-privacy.md: "Privacy: who may act", "Erasure", "Export").
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

process.env.CHANGES_SETTLE_SECONDS = '1';
const tenant = uniqueTenant();
const api = useApi(tenant);
const privacy = tokenFor({ tenant, privacy: true });
const person = (partyId = randomUUID()) => ({ partyId, partyTypeCode: 'PERSON_PARTY' as const });

async function entries(id: string) {
  const response = await api.call('GET', `/meetings/${id}/history?size=100`);
  expect(response.status).toBe(200);
  return response.body.entries as Array<{
    version: number;
    changeType: string;
    changes: Array<Record<string, unknown>>;
  }>;
}

const erase = async (partyId: string) => {
  const response = await api.call('POST', '/privacy/erasures', { token: privacy, body: { partyId } });
  expect(response.status).toBe(202);
  expect(response.headers.get('location')).toBe(`/privacy/erasures/${response.body.erasureId}`);
  return response.body;
};

describe('privacy: who may act', () => {
  it('needs the privacy scope, which read and write do not grant, and which grants nothing else', async () => {
    const partyId = randomUUID();
    const calls = [
      api.call('POST', '/privacy/erasures', { body: { partyId } }),
      api.call('GET', `/privacy/erasures/${randomUUID()}`),
      api.call('GET', `/privacy/exports?partyId=${partyId}`),
    ];
    for (const response of await Promise.all(calls))
      expect([response.status, response.body.errorCode]).toEqual([403, 'FORBIDDEN']);
    const onlyPrivacy = await api.call('GET', '/meetings', {
      token: tokenFor({ tenant, readOnly: true, privacy: true }),
    });
    expect(onlyPrivacy.status).toBe(200); // its read scope, not the privacy one
    const noWrite = await api.call('POST', '/meetings', {
      token: tokenFor({ tenant, readOnly: true, privacy: true }),
      body: meetingInput(),
    });
    expect(noWrite.status).toBe(403);
  });

  it('refuses a body that is not exactly a partyId (400, nothing erased)', async () => {
    for (const body of [{}, { partyId: 'not-a-uuid' }, { partyId: randomUUID(), notes: 'x' }]) {
      const response = await api.call('POST', '/privacy/erasures', { token: privacy, body });
      expect(response.status).toBe(400);
    }
  });
});

describe('erasure', () => {
  it('erases a WON meeting whose only party it is and redacts a shared CANCELLED one; every copy goes', async () => {
    const subject = person();
    const other = person();
    const street = `Erasuretie ${randomUUID().slice(0, 8)}`;
    const secretWord = `secret${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const wonInput = meetingInput({
      parties: [subject],
      notes: `call ${secretWord}`,
      meetingRealty: { categoryCode: 'SALE', streetAddress: street },
      priceEstimate: { minPrice: 123_456, maxPrice: 234_567, currencyCode: 'EUR' },
    });
    const won = (await api.call('POST', '/meetings', { body: wonInput, headers: { 'Idempotency-Key': key } })).body
      .meetingId as string;
    expect((await api.call('PUT', `/meetings/${won}`, { body: { ...wonInput, statusCode: 'WON' } })).status).toBe(204);
    const sharedInput = meetingInput({
      parties: [subject, other],
      statusCode: 'CANCELLED',
      notes: `ask ${secretWord}`,
    });
    const shared = await api.create(sharedInput);
    const sharedTag = (await api.call('GET', `/meetings/${shared}`)).headers.get('etag');
    // A meeting the party has left, and one deleted while naming it: only their history holds it.
    const leftInput = meetingInput({ parties: [subject, other] });
    const left = await api.create(leftInput);
    expect((await api.call('PUT', `/meetings/${left}`, { body: { ...leftInput, parties: [other] } })).status).toBe(204);
    const deleted = await api.create(meetingInput({ parties: [subject] }));
    expect((await api.call('DELETE', `/meetings/${deleted}`)).status).toBe(204);

    const erasure = await erase(subject.partyId);
    expect(erasure).toMatchObject({
      partyId: subject.partyId,
      status: 'COMPLETED',
      meetingsErased: 1,
      meetingsRedacted: 1,
    });
    const read = await api.call('GET', `/privacy/erasures/${erasure.erasureId}`, { token: privacy });
    expect(read.body).toEqual(erasure);

    // The WON meeting: gone, nothing of it anywhere.
    expect((await api.call('GET', `/meetings/${won}`)).status).toBe(410);
    const wonHistory = await entries(won);
    expect(wonHistory.map((e) => e.changeType)).toEqual(['CREATED', 'UPDATED', 'ERASED']);
    const wonText = JSON.stringify(wonHistory);
    for (const value of [subject.partyId, street, secretWord, '123456', '234567']) expect(wonText).not.toContain(value);
    // Its Idempotency-Key never makes a second meeting.
    const again = await api.call('POST', '/meetings', { body: wonInput, headers: { 'Idempotency-Key': key } });
    expect([again.status, again.body.errorCode]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(again.body.description).toMatch(/erased at a data subject's request/);

    // The shared CANCELLED meeting: the party and the notes removed, a new version; the rest stays.
    const after = await api.call('GET', `/meetings/${shared}`);
    expect(after.body.parties).toEqual([other]);
    expect(after.body).not.toHaveProperty('notes');
    expect(after.body.statusCode).toBe('CANCELLED');
    expect(after.headers.get('etag')).not.toBe(sharedTag);
    const sharedHistory = await entries(shared);
    expect(sharedHistory.at(-1)).toMatchObject({
      changeType: 'ERASED',
      changes: [
        { field: 'parties', from: null, to: [other], redacted: true },
        { field: 'notes', from: null, redacted: true },
      ],
    });
    for (const history of [sharedHistory, await entries(left), await entries(deleted)])
      expect(JSON.stringify(history)).not.toContain(subject.partyId);
    expect(JSON.stringify(sharedHistory)).not.toContain(secretWord);
    expect(JSON.stringify(await entries(left))).toContain(other.partyId);

    // Search and the changes feed hold none of it.
    const byParty = await api.call('GET', `/meetings?partyId=${subject.partyId}`);
    expect(byParty.body.totalCount).toBe(0);
    expect((await api.call('GET', `/meetings?freeTextSearch=${secretWord}`)).body.totalCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const changes: Array<Record<string, any>> = [];
    let since: string | undefined;
    for (;;) {
      const page = await api.call('GET', `/meetings/changes?size=1000${since ? `&since=${since}` : ''}`);
      changes.push(...page.body.changes);
      since = page.body.nextSince;
      if (!page.body.hasMore) break;
    }
    const feedText = JSON.stringify(changes);
    for (const value of [subject.partyId, street, secretWord]) expect(feedText).not.toContain(value);
    expect(changes.find((c) => c.meetingId === won)).toMatchObject({ changeType: 'DELETED' });

    // The same party again: a new erasure that finds nothing more to do.
    expect(await erase(subject.partyId)).toMatchObject({ status: 'COMPLETED', meetingsErased: 0, meetingsRedacted: 0 });
  });

  it("answers 404 for an unknown erasure or another tenant's", async () => {
    const erasure = await erase(randomUUID());
    const foreign = await api.call('GET', `/privacy/erasures/${erasure.erasureId}`, {
      token: tokenFor({ tenant: uniqueTenant(), privacy: true }),
    });
    expect([foreign.status, foreign.body.errorCode]).toEqual([404, 'INVALID_ID']);
    expect((await api.call('GET', `/privacy/erasures/${randomUUID()}`, { token: privacy })).status).toBe(404);
    expect((await api.call('GET', '/privacy/erasures/nope', { token: privacy })).status).toBe(404);
  });
});

describe('export', () => {
  it("pages every live meeting that lists the party, each once with its full history; an unknown party's is empty", async () => {
    const subject = person();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await api.create(meetingInput({ parties: [subject, person()] })));
    const gone = await api.create(meetingInput({ parties: [subject] }));
    expect((await api.call('DELETE', `/meetings/${gone}`)).status).toBe(204);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/privacy/exports?partyId=${subject.partyId}&size=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: privacy },
      );
      expect(page.status).toBe(200);
      expect(page.body.partyId).toBe(subject.partyId);
      for (const exported of page.body.meetings) {
        seen.push(exported.meeting.meetingId);
        expect(exported.history[0]).toMatchObject({ version: 1, changeType: 'CREATED' });
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    const unknown = await api.call('GET', `/privacy/exports?partyId=${randomUUID()}`, { token: privacy });
    expect([unknown.status, unknown.body.meetings]).toEqual([200, []]);
    for (const query of [
      '',
      '?partyId=nope',
      `?partyId=${subject.partyId}&size=0`,
      `?partyId=${subject.partyId}&cursor=xyz`,
    ]) {
      const bad = await api.call('GET', `/privacy/exports${query}`, { token: privacy });
      expect([bad.status, bad.body.errorCode]).toEqual([400, 'BAD_REQUEST_PARAMETERS']);
    }
  });
});
