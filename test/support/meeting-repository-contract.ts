/**
 * The promises of the storage port (shared/domain/meeting-repository.ts) as one suite, run against
 * every implementation: the DynamoDB adapter (integration tier) and the in-memory one the unit tier's
 * use-case tests stand on. Whatever the in-memory repository lets a use-case test rely on is
 * checked here against DynamoDB too.
 *
 * Each test works in a tenant of its own, so that implementations may share one store.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError, type MeetingRepository } from '../../shared/domain/meeting-repository.js';
import {
  searchableText,
  toInstant,
  type Meeting,
  type MeetingRecord,
  type StoredMeeting,
} from '../../shared/domain/meeting.js';
import {
  foldSearchTerms,
  matches,
  toSearchEntry,
  type SearchCriteria,
  type SearchEntry,
} from '../../shared/domain/search.js';
import { newMeeting, ORIGIN, searchCriteria, searchEntries, uniqueTenant } from '../../support/fixtures.js';

export type MakeMeetingRepository = () => MeetingRepository;

const person = (partyId: string) => ({ partyId, partyTypeCode: 'PERSON_PARTY' as const });

/** The write that lost, and what it said storage holds now. */
async function lostWrite(write: Promise<void>): Promise<MeetingRecord | null | undefined> {
  const error = await write.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConcurrentModificationError);
  return (error as ConcurrentModificationError).current;
}

export function describeMeetingRepositoryContract(name: string, makeRepository: MakeMeetingRepository): void {
  describe(`meeting repository contract: ${name}`, () => {
    const repository = makeRepository();

    async function stored(tenant: string, meetingId: string): Promise<StoredMeeting> {
      const record = await repository.get(tenant, meetingId);
      if (!record || 'deleted' in record) throw new Error(`expected meeting ${meetingId} stored`);
      return record;
    }

    async function createAll(tenant: string, meetings: Meeting[]): Promise<void> {
      for (const meeting of meetings) await repository.create(tenant, meeting, ORIGIN);
    }

    /**
     * What search would make of the entries: those that match, once each, by id. The port may
     * return a superset, so only the matches are the same across implementations.
     */
    async function found(tenant: string, criteria: Partial<SearchCriteria>): Promise<string[]> {
      const full = searchCriteria(criteria);
      const entries = await searchEntries(repository, tenant, full);
      return [...new Set(entries.filter((entry) => matches(entry, full)).map((entry) => entry.meetingId))].sort();
    }
    const idsOf = (...meetings: Meeting[]) => meetings.map((m) => m.meetingId).sort();

    describe('create and get', () => {
      it('reads back what was created, at version 1', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting({
          notes: 'Kävijä',
          priceEstimate: { minPrice: 100_000, maxPrice: 123_456.5, currencyCode: 'EUR' },
        });
        await repository.create(tenant, meeting, ORIGIN);
        expect(await repository.get(tenant, meeting.meetingId)).toEqual({ meeting, version: 1 });
        expect(await repository.get(tenant, randomUUID())).toBeUndefined();
      });

      it('keeps no link to the objects it was given or handed out', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting({ notes: 'original' });
        await repository.create(tenant, meeting, ORIGIN);
        meeting.notes = 'changed by the caller after create';
        meeting.parties[0]!.partyTypeCode = 'ESTATE_PARTY';
        const read = await stored(tenant, meeting.meetingId);
        read.meeting.notes = 'changed by the caller after get';
        read.meeting.agents.push({ agentId: randomUUID() });
        const again = await stored(tenant, meeting.meetingId);
        expect(again.meeting.notes).toBe('original');
        expect(again.meeting.parties[0]!.partyTypeCode).toBe('PERSON_PARTY');
        expect(again.meeting.agents).toHaveLength(1);
        const [fetched] = await repository.getMany(tenant, [meeting.meetingId]);
        fetched!.notes = 'changed by the caller after getMany';
        expect((await stored(tenant, meeting.meetingId)).meeting.notes).toBe('original');
      });

      it("keeps a create's idempotency hash through replaces and into the tombstone", async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting();
        await repository.create(tenant, meeting, ORIGIN, 'hash-1');
        const first = await stored(tenant, meeting.meetingId);
        expect(first.idempotencyHash).toBe('hash-1');
        await repository.replace(
          tenant,
          first,
          {
            ...meeting,
            notes: 'edited',
            modificationTime: '2026-01-01T00:00:00.001Z',
          },
          ORIGIN,
        );
        const second = await stored(tenant, meeting.meetingId);
        expect(second.idempotencyHash).toBe('hash-1');
        expect(await lostWrite(repository.create(tenant, meeting, ORIGIN, 'hash-2'))).toMatchObject({
          idempotencyHash: 'hash-1',
        });
        await repository.delete(tenant, second, '2026-01-02T00:00:00.000Z', ORIGIN);
        expect(await repository.get(tenant, meeting.meetingId)).toEqual({
          deleted: true,
          meetingId: meeting.meetingId,
          version: 3,
          deletionTime: '2026-01-02T00:00:00.000Z',
          idempotencyHash: 'hash-1',
        });
      });

      it('never overwrites: a create of an id in use, or of a deleted one, is refused', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting({ notes: 'first' });
        await repository.create(tenant, meeting, ORIGIN);
        // The refusal carries what holds the id, as a lost race does.
        expect(await lostWrite(repository.create(tenant, { ...meeting, notes: 'overwritten' }, ORIGIN))).toEqual({
          meeting,
          version: 1,
        });
        expect(await repository.get(tenant, meeting.meetingId)).toEqual({ meeting, version: 1 });

        await repository.delete(tenant, await stored(tenant, meeting.meetingId), '2026-01-02T00:00:00.000Z', ORIGIN);
        const tombstone = {
          deleted: true,
          meetingId: meeting.meetingId,
          version: 2,
          deletionTime: '2026-01-02T00:00:00.000Z',
        };
        expect(await lostWrite(repository.create(tenant, { ...meeting, notes: 'resurrected' }, ORIGIN))).toEqual(
          tombstone,
        );
        expect(await repository.get(tenant, meeting.meetingId)).toEqual(tombstone);
      });
    });

    describe('conditional writes', () => {
      it('replaces on the version it was decided on, and bumps the version', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting();
        await repository.create(tenant, meeting, ORIGIN);
        const next = {
          ...meeting,
          statusCode: 'WON' as const,
          notes: 'second',
          modificationTime: '2026-01-01T00:00:00.001Z',
        };
        await repository.replace(tenant, await stored(tenant, meeting.meetingId), next, ORIGIN);
        expect(await repository.get(tenant, meeting.meetingId)).toEqual({ meeting: next, version: 2 });
        const third = { ...next, notes: undefined, modificationTime: '2026-01-01T00:00:00.002Z' };
        await repository.replace(tenant, await stored(tenant, meeting.meetingId), third, ORIGIN);
        const { notes: _dropped, ...withoutNotes } = third;
        expect(await repository.get(tenant, meeting.meetingId)).toEqual({ meeting: withoutNotes, version: 3 });
      });

      it('refuses a replace or delete on a stale version, handing back what storage holds now', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting();
        await repository.create(tenant, meeting, ORIGIN);
        const v1 = await stored(tenant, meeting.meetingId);
        const won = { ...meeting, notes: 'won the race', modificationTime: '2026-01-01T00:00:00.001Z' };
        await repository.replace(tenant, v1, won, ORIGIN);

        expect(await lostWrite(repository.replace(tenant, v1, { ...meeting, notes: 'stale' }, ORIGIN))).toEqual({
          meeting: won,
          version: 2,
        });
        expect(await lostWrite(repository.delete(tenant, v1, '2026-01-02T00:00:00.000Z', ORIGIN))).toEqual({
          meeting: won,
          version: 2,
        });
        expect(await repository.get(tenant, meeting.meetingId)).toEqual({ meeting: won, version: 2 });
      });

      it('refuses writes on a deleted meeting, handing back the tombstone', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting();
        await repository.create(tenant, meeting, ORIGIN);
        const v1 = await stored(tenant, meeting.meetingId);
        await repository.delete(tenant, v1, '2026-01-02T00:00:00.000Z', ORIGIN);
        const tombstone = {
          deleted: true,
          meetingId: meeting.meetingId,
          version: 2,
          deletionTime: '2026-01-02T00:00:00.000Z',
        };
        expect(await lostWrite(repository.replace(tenant, v1, { ...meeting, notes: 'too late' }, ORIGIN))).toEqual(
          tombstone,
        );
        expect(await lostWrite(repository.delete(tenant, v1, '2026-01-03T00:00:00.000Z', ORIGIN))).toEqual(tombstone);
      });

      it('refuses writes on a meeting storage does not hold, handing back null (nothing there)', async () => {
        const tenant = uniqueTenant();
        const never: StoredMeeting = { meeting: newMeeting(), version: 1 };
        expect(await lostWrite(repository.replace(tenant, never, never.meeting, ORIGIN))).toBeNull();
        expect(await lostWrite(repository.delete(tenant, never, '2026-01-02T00:00:00.000Z', ORIGIN))).toBeNull();
        expect(await repository.get(tenant, never.meeting.meetingId)).toBeUndefined();
      });
    });

    describe('delete', () => {
      it('leaves a tombstone that get returns and that getMany and search leave out', async () => {
        const tenant = uniqueTenant();
        const deleted = newMeeting({ notes: 'vanishing' });
        const kept = newMeeting({ agencyOfficeId: deleted.agencyOfficeId });
        await createAll(tenant, [deleted, kept]);
        await repository.delete(tenant, await stored(tenant, deleted.meetingId), '2026-01-02T00:00:00.000Z', ORIGIN);

        expect(await repository.get(tenant, deleted.meetingId)).toEqual({
          deleted: true,
          meetingId: deleted.meetingId,
          version: 2,
          deletionTime: '2026-01-02T00:00:00.000Z',
        });
        expect(await repository.getMany(tenant, [deleted.meetingId, kept.meetingId])).toEqual([kept]);
        expect(await found(tenant, {})).toEqual(idsOf(kept));
        expect(await found(tenant, { partyId: [deleted.parties[0]!.partyId] })).toEqual([]);
        expect(await found(tenant, { agentId: [deleted.agents[0]!.agentId] })).toEqual([]);
        expect(await found(tenant, { agencyOfficeId: [deleted.agencyOfficeId] })).toEqual(idsOf(kept));
        expect(await found(tenant, { freeTextTerms: ['vanishing'] })).toEqual([]);
      });
    });

    describe('tenants', () => {
      it('another tenant sees none of it: not by get, getMany or any search', async () => {
        const [owner, other] = [uniqueTenant(), uniqueTenant()];
        const meeting = newMeeting({ notes: 'private' });
        await repository.create(owner, meeting, ORIGIN);
        expect(await repository.get(other, meeting.meetingId)).toBeUndefined();
        expect(await repository.getMany(other, [meeting.meetingId])).toEqual([]);
        expect(await searchEntries(repository, other, searchCriteria())).toEqual([]);
        expect(await found(other, { partyId: [meeting.parties[0]!.partyId] })).toEqual([]);
        expect(await found(other, { agentId: [meeting.agents[0]!.agentId] })).toEqual([]);
        expect(await found(other, { agencyOfficeId: [meeting.agencyOfficeId] })).toEqual([]);
        expect(await found(other, { freeTextTerms: ['private'] })).toEqual([]);
      });

      it('another tenant can neither write it nor be blocked by its id', async () => {
        const [owner, other] = [uniqueTenant(), uniqueTenant()];
        const meeting = newMeeting({ notes: 'owner' });
        await repository.create(owner, meeting, ORIGIN);
        const ownersCopy = await stored(owner, meeting.meetingId);
        expect(
          await lostWrite(repository.replace(other, ownersCopy, { ...meeting, notes: 'hijacked' }, ORIGIN)),
        ).toBeNull();
        expect(await lostWrite(repository.delete(other, ownersCopy, '2026-01-02T00:00:00.000Z', ORIGIN))).toBeNull();

        const othersMeeting = { ...meeting, notes: 'other' };
        await repository.create(other, othersMeeting, ORIGIN);
        expect(await repository.get(other, meeting.meetingId)).toEqual({ meeting: othersMeeting, version: 1 });
        expect(await repository.get(owner, meeting.meetingId)).toEqual({ meeting, version: 1 });
      });
    });

    describe('findSearchEntries', () => {
      it('hands back each meeting as its search entry', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting({
          notes: 'Ääni Straße',
          meetingRealty: { categoryCode: 'SALE', streetAddress: 'Övre gatan 2', postalArea: 'Åbo' },
        });
        await repository.create(tenant, meeting, ORIGIN);
        const entries = (await searchEntries(repository, tenant, searchCriteria())).filter(
          (e) => e.meetingId === meeting.meetingId,
        );
        expect(entries).toEqual([toSearchEntry(meeting, searchableText(meeting))]);
      });

      it('finds by party and by agent, any of several values, and follows a replace to the new ones', async () => {
        const tenant = uniqueTenant();
        const [p1, p2, p3, a1, a2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        const both = newMeeting({ parties: [person(p1), person(p2)], agents: [{ agentId: a1 }] });
        const second = newMeeting({ parties: [person(p2)], agents: [{ agentId: a2 }] });
        const neither = newMeeting();
        await createAll(tenant, [both, second, neither]);
        expect(await found(tenant, { partyId: [p1] })).toEqual(idsOf(both));
        expect(await found(tenant, { partyId: [p2] })).toEqual(idsOf(both, second));
        expect(await found(tenant, { partyId: [p1, p3] })).toEqual(idsOf(both));
        expect(await found(tenant, { agentId: [a1, a2] })).toEqual(idsOf(both, second));
        expect(await found(tenant, { partyId: [p2], agentId: [a2] })).toEqual(idsOf(second));

        await repository.replace(
          tenant,
          await stored(tenant, both.meetingId),
          {
            ...both,
            parties: [person(p3)],
            agents: [{ agentId: a2 }],
            modificationTime: '2026-01-02T00:00:00.000Z',
          },
          ORIGIN,
        );
        expect(await found(tenant, { partyId: [p1] })).toEqual([]);
        expect(await found(tenant, { partyId: [p2] })).toEqual(idsOf(second));
        expect(await found(tenant, { partyId: [p3] })).toEqual(idsOf(both));
        expect(await found(tenant, { agentId: [a1] })).toEqual([]);
        expect(await found(tenant, { agentId: [a2] })).toEqual(idsOf(both, second));
      });

      it('finds by office, and by office within a visitTime window', async () => {
        const tenant = uniqueTenant();
        const office = randomUUID();
        const early = newMeeting({ agencyOfficeId: office, visitTime: '2026-03-01T10:00:00Z' });
        const late = newMeeting({ agencyOfficeId: office, visitTime: '2026-09-01T10:00:00Z' });
        const elsewhere = newMeeting({ visitTime: '2026-03-01T10:00:00Z' });
        await createAll(tenant, [early, late, elsewhere]);
        expect(await found(tenant, { agencyOfficeId: [office] })).toEqual(idsOf(early, late));
        expect(
          await found(tenant, { agencyOfficeId: [office], visitTimeBefore: toInstant('2026-06-01T00:00:00Z') }),
        ).toEqual(idsOf(early));
        expect(
          await found(tenant, {
            agencyOfficeId: [office, randomUUID()],
            visitTimeAfter: toInstant('2026-06-01T00:00:00Z'),
          }),
        ).toEqual(idsOf(late));
      });

      it('finds inside a visitTime window with exclusive bounds; an empty window finds nothing', async () => {
        const tenant = uniqueTenant();
        const meetings = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00+02:00', '2026-03-03T10:00:00Z'].map(
          (visitTime) => newMeeting({ visitTime }),
        );
        await createAll(tenant, meetings);
        const [first, second, third] = meetings as [Meeting, Meeting, Meeting];
        expect(await found(tenant, { visitTimeAfter: first.visitTime, visitTimeBefore: third.visitTime })).toEqual(
          idsOf(second),
        );
        expect(await found(tenant, { visitTimeAfter: first.visitTime })).toEqual(idsOf(second, third));
        expect(await found(tenant, { visitTimeBefore: third.visitTime })).toEqual(idsOf(first, second));
        expect(await found(tenant, { visitTimeAfter: third.visitTime, visitTimeBefore: first.visitTime })).toEqual([]);
      });

      it('finds what was modified after an instant, following replaces', async () => {
        const tenant = uniqueTenant();
        const old = newMeeting({ modificationTime: '2026-01-01T00:00:00.000Z' });
        const recent = newMeeting({ modificationTime: '2026-02-01T00:00:00.000Z' });
        await createAll(tenant, [old, recent]);
        expect(await found(tenant, { modifiedAfter: '2026-01-15T00:00:00.000Z' })).toEqual(idsOf(recent));
        expect(await found(tenant, { modifiedAfter: recent.modificationTime })).toEqual([]);
        await repository.replace(
          tenant,
          await stored(tenant, old.meetingId),
          {
            ...old,
            modificationTime: '2026-03-01T00:00:00.000Z',
          },
          ORIGIN,
        );
        expect(await found(tenant, { modifiedAfter: '2026-01-15T00:00:00.000Z' })).toEqual(idsOf(old, recent));
      });

      it('finds by free text in notes and address, folded, every term required', async () => {
        const tenant = uniqueTenant();
        const sauna = newMeeting({ notes: 'Asunnossa on SAUNA ja parveke' });
        const street = newMeeting({
          notes: 'parveke',
          meetingRealty: { categoryCode: 'SALE', streetAddress: 'Hämeentie 5', postalArea: 'Tampere' },
        });
        await createAll(tenant, [sauna, street]);
        const terms = (text: string) => ({ freeTextTerms: foldSearchTerms(text) });
        expect(await found(tenant, terms('sauna'))).toEqual(idsOf(sauna));
        expect(await found(tenant, terms('PARVEKE'))).toEqual(idsOf(sauna, street));
        expect(await found(tenant, terms('hameen tampere'))).toEqual(idsOf(street));
        expect(await found(tenant, terms('sauna tampere'))).toEqual([]);
      });

      // A party- or agent-driven search reads index items that carry no text: the text must still be there.
      it('finds by party or agent together with free text', async () => {
        const tenant = uniqueTenant();
        const [party, agent] = [randomUUID(), randomUUID()];
        const withText = newMeeting({
          parties: [person(party)],
          agents: [{ agentId: agent }],
          notes: 'Kylpyhuone remontoitu',
        });
        const without = newMeeting({
          parties: [person(party)],
          agents: [{ agentId: agent }],
          notes: 'Keittiö uusittu',
        });
        await createAll(tenant, [withText, without]);
        const criteria = { freeTextTerms: foldSearchTerms('kylpyhuone') };
        expect(await found(tenant, { partyId: [party], ...criteria })).toEqual(idsOf(withText));
        expect(await found(tenant, { agentId: [agent], ...criteria })).toEqual(idsOf(withText));
        expect(await found(tenant, { partyId: [party], freeTextTerms: foldSearchTerms('keittio') })).toEqual(
          idsOf(without),
        );

        const full = searchCriteria({ partyId: [party], ...criteria });
        const entries: SearchEntry[] = (await searchEntries(repository, tenant, full)).filter(
          (e) => e.meetingId === withText.meetingId,
        );
        expect(entries.length).toBeGreaterThan(0);
        for (const entry of entries) expect(entry).toEqual(toSearchEntry(withText, searchableText(withText)));
      });

      it('offers each meeting once, also to a search by several of its parties or agents', async () => {
        const tenant = uniqueTenant();
        const [p1, p2, a1, a2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        const both = newMeeting({ parties: [person(p1), person(p2)], agents: [{ agentId: a1 }, { agentId: a2 }] });
        await createAll(tenant, [both, newMeeting()]);
        for (const criteria of [
          { partyId: [p1, p2] },
          { agentId: [a1, a2] },
          {},
          { statusCode: ['WAITING' as const] },
        ]) {
          const ids = (await searchEntries(repository, tenant, searchCriteria(criteria))).map((e) => e.meetingId);
          expect(
            ids.filter((id) => id === both.meetingId),
            JSON.stringify(criteria),
          ).toHaveLength(1);
        }
      });
    });

    describe('getMany', () => {
      it('returns the meetings in the order asked, leaving out unknown ids', async () => {
        const tenant = uniqueTenant();
        const [a, b, c] = [newMeeting(), newMeeting(), newMeeting()];
        await createAll(tenant, [a, b, c]);
        expect(await repository.getMany(tenant, [c.meetingId, a.meetingId, randomUUID(), b.meetingId])).toEqual([
          c,
          a,
          b,
        ]);
        expect(await repository.getMany(tenant, [])).toEqual([]);
      });
    });
    describe('change order (the changes feed)', () => {
      const at = (second: number) => `2026-03-01T00:00:${String(second).padStart(2, '0')}.000Z`;
      /** Meetings modified at the given seconds, ids in ascending order so that ties have a known order. */
      async function modifiedAt(tenant: string, seconds: number[]): Promise<Meeting[]> {
        const ids = seconds.map(() => randomUUID()).sort();
        const meetings = seconds.map((second, i) =>
          newMeeting({ meetingId: ids[i], creationTime: at(second), modificationTime: at(second) }),
        );
        await createAll(tenant, meetings);
        return meetings;
      }
      const entry = (m: Meeting) => ({ meetingId: m.meetingId, time: m.modificationTime });

      it('lists meetings by (modificationTime, meetingId), up to and including the whole upTo instant', async () => {
        const tenant = uniqueTenant();
        const [a, b, c, d] = await modifiedAt(tenant, [1, 2, 2, 3]);
        expect(await repository.findChanges(tenant, { upTo: at(2), limit: 10 })).toEqual({
          entries: [entry(a!), entry(b!), entry(c!)],
          more: false,
        });
        expect(await repository.findChanges(tenant, { upTo: at(3), limit: 10 })).toEqual({
          entries: [a, b, c, d].map((m) => entry(m!)),
          more: false,
        });
        expect(await repository.findChanges(uniqueTenant(), { upTo: at(3), limit: 10 })).toEqual({
          entries: [],
          more: false,
        });
      });

      it('continues strictly after a position: after one meeting of an instant, or after the whole instant', async () => {
        const tenant = uniqueTenant();
        const [a, b, c, d] = await modifiedAt(tenant, [1, 2, 2, 3]);
        const upTo = at(3);
        expect((await repository.findChanges(tenant, { after: entry(b!), upTo, limit: 10 })).entries).toEqual([
          entry(c!),
          entry(d!),
        ]);
        expect((await repository.findChanges(tenant, { after: { time: at(2) }, upTo, limit: 10 })).entries).toEqual([
          entry(d!),
        ]);
        expect((await repository.findChanges(tenant, { after: entry(a!), upTo, limit: 2 })).entries).toEqual([
          entry(b!),
          entry(c!),
        ]);
        expect(await repository.findChanges(tenant, { after: entry(d!), upTo, limit: 10 })).toEqual({
          entries: [],
          more: false,
        });
      });

      it('says whether more follow past the limit', async () => {
        const tenant = uniqueTenant();
        const [a, b] = await modifiedAt(tenant, [1, 2, 3]);
        expect(await repository.findChanges(tenant, { upTo: at(3), limit: 2 })).toEqual({
          entries: [entry(a!), entry(b!)],
          more: true,
        });
        expect((await repository.findChanges(tenant, { upTo: at(3), limit: 3 })).more).toBe(false);
      });

      it('lists a meeting once, at its latest write; a deletion at its deletion time; getRecords reads them now', async () => {
        const tenant = uniqueTenant();
        const [a, b] = await modifiedAt(tenant, [1, 2]);
        await repository.replace(
          tenant,
          await stored(tenant, a!.meetingId),
          { ...a!, modificationTime: at(5) },
          ORIGIN,
        );
        await repository.delete(tenant, await stored(tenant, b!.meetingId), at(6), ORIGIN);
        expect((await repository.findChanges(tenant, { upTo: at(9), limit: 10 })).entries).toEqual([
          { meetingId: a!.meetingId, time: at(5) },
          { meetingId: b!.meetingId, time: at(6) },
        ]);
        // A search never sees the tombstone, even one driven by the modification order.
        expect(await found(tenant, { modifiedAfter: at(0) })).toEqual([a!.meetingId]);

        const records = await repository.getRecords(tenant, [a!.meetingId, b!.meetingId, randomUUID()]);
        expect([...records.keys()].sort()).toEqual(idsOf(a!, b!));
        expect(records.get(a!.meetingId)).toEqual({ meeting: { ...a!, modificationTime: at(5) }, version: 2 });
        expect(records.get(b!.meetingId)).toEqual({
          deleted: true,
          meetingId: b!.meetingId,
          version: 2,
          deletionTime: at(6),
        });
      });
    });

    describe('history', () => {
      const other = { actor: { subject: 'someone-else' }, requestId: '00000000-0000-4000-8000-000000000002' };

      it('writes one entry per write, with the write: versions 1..n, who and which request, what changed', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting({ notes: 'first', modificationTime: '2026-01-01T00:00:00.000Z' });
        await repository.create(tenant, meeting, ORIGIN);
        const edited = {
          ...meeting,
          statusCode: 'WON' as const,
          notes: undefined,
          modificationTime: '2026-01-01T00:00:01.000Z',
        };
        delete edited.notes;
        await repository.replace(tenant, await stored(tenant, meeting.meetingId), edited, other);
        const { entries, more } = await repository.history(tenant, meeting.meetingId, { limit: 10 });
        expect(more).toBe(false);
        expect(entries).toHaveLength(2);
        expect(entries[0]).toMatchObject({
          version: 1,
          changeType: 'CREATED',
          time: meeting.modificationTime,
          actor: ORIGIN.actor,
          requestId: ORIGIN.requestId,
        });
        expect(entries[0]!.changes.map((c) => c.field)).toEqual([
          'typeCode',
          'statusCode',
          'parties',
          'visitTime',
          'agencyOfficeId',
          'agents',
          'sourceTypeCode',
          'meetingRealty',
          'notes',
        ]);
        // Storage hands values back in the document's order, as GET does.
        expect(entries[0]!.changes.find((c) => c.field === 'meetingRealty')!.to).toEqual(meeting.meetingRealty);
        expect(JSON.stringify(entries[0]!.changes.find((c) => c.field === 'meetingRealty')!.to)).toBe(
          JSON.stringify(meeting.meetingRealty),
        );
        expect(entries[1]).toEqual({
          version: 2,
          changeType: 'UPDATED',
          time: edited.modificationTime,
          actor: { subject: 'someone-else' },
          requestId: other.requestId,
          changes: [
            { field: 'statusCode', from: 'WAITING', to: 'WON' },
            { field: 'notes', from: 'first' },
          ],
        });
      });

      it('pages oldest first after a version; keeps the entries of a deleted meeting; refused writes leave none', async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting({ modificationTime: '2026-01-01T00:00:00.000Z' });
        await repository.create(tenant, meeting, ORIGIN);
        for (let i = 1; i <= 4; i++) {
          const current = await stored(tenant, meeting.meetingId);
          await repository.replace(
            tenant,
            current,
            { ...meeting, notes: `edit ${i}`, modificationTime: `2026-01-01T00:00:0${i}.000Z` },
            ORIGIN,
          );
          // The same version again loses: no entry for it.
          await lostWrite(
            repository.replace(
              tenant,
              current,
              { ...meeting, notes: 'lost', modificationTime: '2026-01-02T00:00:00.000Z' },
              ORIGIN,
            ),
          );
        }
        await repository.delete(tenant, await stored(tenant, meeting.meetingId), '2026-01-01T00:00:09.000Z', ORIGIN);
        await lostWrite(repository.create(tenant, meeting, ORIGIN));

        const first = await repository.history(tenant, meeting.meetingId, { limit: 2 });
        expect(first.entries.map((e) => e.version)).toEqual([1, 2]);
        expect(first.more).toBe(true);
        const rest = await repository.history(tenant, meeting.meetingId, { afterVersion: 2, limit: 10 });
        expect(rest.entries.map((e) => [e.version, e.changeType])).toEqual([
          [3, 'UPDATED'],
          [4, 'UPDATED'],
          [5, 'UPDATED'],
          [6, 'DELETED'],
        ]);
        expect(rest.more).toBe(false);
        expect(rest.entries.at(-1)).toMatchObject({ time: '2026-01-01T00:00:09.000Z', changes: [] });
        expect(rest.entries.flatMap((e) => e.changes).some((c) => c.to === 'lost')).toBe(false);
        expect(await repository.history(tenant, meeting.meetingId, { afterVersion: 6, limit: 10 })).toEqual({
          entries: [],
          more: false,
        });
      });

      it('finds every meeting that names a party or named it: left by the party, deleted, or never', async () => {
        const tenant = uniqueTenant();
        const [a, b] = [person(randomUUID()), person(randomUUID())];
        const left = newMeeting({ parties: [a, b], modificationTime: '2026-01-01T00:00:00.000Z' });
        const deleted = newMeeting({ parties: [a], modificationTime: '2026-01-01T00:00:00.000Z' });
        const never = newMeeting({ parties: [b] });
        await createAll(tenant, [left, deleted, never]);
        await repository.replace(
          tenant,
          await stored(tenant, left.meetingId),
          { ...left, parties: [b], modificationTime: '2026-01-01T00:00:01.000Z' },
          ORIGIN,
        );
        await repository.delete(tenant, await stored(tenant, deleted.meetingId), '2026-01-01T00:00:02.000Z', ORIGIN);
        expect(await repository.meetingsNamingParty(tenant, a.partyId)).toEqual(idsOf(left, deleted));
        expect(await repository.meetingsNamingParty(tenant, b.partyId)).toEqual(idsOf(left, never));
        expect(await repository.meetingsNamingParty(uniqueTenant(), a.partyId)).toEqual([]);
      });

      it('erases a meeting to a bare tombstone, redacts another, rewrites entries and forgets a trace', async () => {
        const tenant = uniqueTenant();
        const [a, b] = [person(randomUUID()), person(randomUUID())];
        const alone = newMeeting({ parties: [a], notes: 'a', modificationTime: '2026-01-01T00:00:00.000Z' });
        const shared = newMeeting({ parties: [a, b], notes: 'ab', modificationTime: '2026-01-01T00:00:00.000Z' });
        await repository.create(tenant, alone, ORIGIN, 'hash-1');
        await repository.create(tenant, shared, ORIGIN);
        await repository.erase(tenant, await stored(tenant, alone.meetingId), '2026-01-01T00:00:01.000Z', ORIGIN);
        expect(await repository.get(tenant, alone.meetingId)).toEqual({
          deleted: true,
          erased: true,
          meetingId: alone.meetingId,
          version: 2,
          deletionTime: '2026-01-01T00:00:01.000Z',
        });
        const { notes: _notes, ...withoutNotes } = shared;
        const next = { ...withoutNotes, parties: [b], modificationTime: '2026-01-01T00:00:02.000Z' };
        await repository.redact(tenant, await stored(tenant, shared.meetingId), next, ORIGIN, a.partyId);
        expect(await stored(tenant, shared.meetingId)).toEqual({
          meeting: next,
          version: 2,
          erasedAt: next.modificationTime,
        });
        const { entries } = await repository.history(tenant, shared.meetingId, { limit: 10 });
        expect(entries[1]).toMatchObject({
          version: 2,
          changeType: 'ERASED',
          changes: [
            { field: 'parties', from: null, to: [b], redacted: true },
            { field: 'notes', from: null, redacted: true },
          ],
        });
        const created = { ...entries[0]!, changes: [] };
        await repository.rewriteHistory(tenant, shared.meetingId, [created]);
        expect((await repository.history(tenant, shared.meetingId, { limit: 10 })).entries).toEqual([
          created,
          entries[1],
        ]);
        // The party left the shared meeting: its trace leads there until forgotten.
        expect(await repository.meetingsNamingParty(tenant, a.partyId)).toEqual([shared.meetingId]);
        await repository.forgetPartyTrace(tenant, a.partyId, shared.meetingId);
        expect(await repository.meetingsNamingParty(tenant, a.partyId)).toEqual([]);
      });

      it("is the tenant's own: another tenant sees no entry of it", async () => {
        const tenant = uniqueTenant();
        const meeting = newMeeting();
        await repository.create(tenant, meeting, ORIGIN);
        expect(await repository.history(uniqueTenant(), meeting.meetingId, { limit: 10 })).toEqual({
          entries: [],
          more: false,
        });
      });
    });
  });
}
