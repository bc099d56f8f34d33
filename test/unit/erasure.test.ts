import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  erasureChanges,
  erasureOf,
  lastPartiesWere,
  partiesLeaving,
  redactEntry,
  withoutParty,
} from '../../shared/domain/erasure.js';
import { historyEntry } from '../../shared/domain/meeting-history.js';
import { newMeeting, ORIGIN } from '../../support/fixtures.js';

const person = () => ({ partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const });
const at = '2026-01-01T00:00:00.000Z';

describe('erasure of a party', () => {
  const [a, b] = [person(), person()];
  const shared = newMeeting({ parties: [a, b], notes: 'call Anna at home' });
  const alone = newMeeting({
    parties: [a],
    notes: 'Anna',
    priceEstimate: { minPrice: 1, maxPrice: 2, currencyCode: 'EUR' },
  });

  it('erases a meeting whose only party it is, redacts one it shares, leaves others', () => {
    expect([erasureOf(alone, a.partyId), erasureOf(shared, a.partyId), erasureOf(alone, b.partyId)]).toEqual([
      'ERASED',
      'REDACTED',
      'NONE',
    ]);
    const left = withoutParty(shared, a.partyId);
    expect(left.parties).toEqual([b]);
    expect(left).not.toHaveProperty('notes');
    expect(left.meetingRealty).toEqual(shared.meetingRealty);
  });

  it('names the parties a write takes out: those an update drops, all of them on delete', () => {
    expect(partiesLeaving(shared, { ...shared, parties: [b] })).toEqual([a.partyId]);
    expect(partiesLeaving(shared, shared)).toEqual([]);
    expect(partiesLeaving(shared, undefined)).toEqual([a.partyId, b.partyId]);
  });

  it('redacts notes and parties values holding the party; every personal value of an erased meeting', () => {
    const created = historyEntry({ changeType: 'CREATED', version: 1, time: at }, ORIGIN, undefined, shared);
    const redacted = redactEntry(created, a.partyId, false);
    const field = (entry: typeof created, name: string) => entry.changes.find((c) => c.field === name);
    expect(field(redacted, 'parties')).toEqual({ field: 'parties', to: null, redacted: true });
    expect(field(redacted, 'notes')).toEqual({ field: 'notes', to: null, redacted: true });
    expect(field(redacted, 'meetingRealty')).toEqual(field(created, 'meetingRealty'));
    // An entry of another party's values only keeps them.
    const other = historyEntry({ changeType: 'CREATED', version: 1, time: at }, ORIGIN, undefined, {
      ...shared,
      parties: [b],
      notes: undefined,
    });
    expect(redactEntry(other, a.partyId, false)).toEqual(other);
    const erased = redactEntry(
      historyEntry({ changeType: 'CREATED', version: 1, time: at }, ORIGIN, undefined, alone),
      a.partyId,
      true,
    );
    for (const name of ['parties', 'notes', 'meetingRealty', 'priceEstimate'])
      expect(field(erased, name)).toMatchObject({ to: null, redacted: true });
    expect(field(erased, 'statusCode')).toMatchObject({ to: alone.statusCode });
    // Redacting again changes nothing more.
    expect(redactEntry(erased, a.partyId, true)).toEqual(erased);
  });

  it('the ERASED entry of a redaction shows the party and notes leaving without their values', () => {
    expect(erasureChanges(shared, withoutParty(shared, a.partyId), a.partyId)).toEqual([
      { field: 'parties', from: null, to: [b], redacted: true },
      { field: 'notes', from: null, redacted: true },
    ]);
  });

  it("tells a deleted meeting that was the party's alone from its history", () => {
    const entries = [
      historyEntry({ changeType: 'CREATED', version: 1, time: at }, ORIGIN, undefined, shared),
      historyEntry({ changeType: 'UPDATED', version: 2, time: at }, ORIGIN, shared, { ...shared, parties: [a] }),
      historyEntry({ changeType: 'DELETED', version: 3, time: at }, ORIGIN, { ...shared, parties: [a] }, undefined),
    ];
    expect(lastPartiesWere(entries, a.partyId)).toBe(true);
    expect(lastPartiesWere(entries.slice(0, 1), a.partyId)).toBe(false);
  });
});
