import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalEntry,
  changesNothing,
  fieldChanges,
  historyEntry,
  historyExpiry,
} from '../../shared/domain/meeting-history.js';
import { normalizeInput } from '../../shared/domain/meeting.js';
import { newMeeting, ORIGIN } from '../../support/fixtures.js';

const person = () => ({ partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const });

describe('field changes', () => {
  it('lists each differing field once, parties and agents as sets, from/to absent where unset', () => {
    const [a, b, c] = [person(), person(), person()];
    const agents = [{ agentId: randomUUID() }, { agentId: randomUUID() }];
    const before = newMeeting({ parties: [a, b], agents, notes: 'old', modificationTime: '2026-01-01T00:00:00.000Z' });
    const after = {
      ...before,
      parties: [b, a],
      agents: [agents[1]!, agents[0]!],
      priceEstimate: { minPrice: 1, maxPrice: 2, currencyCode: 'EUR' },
      modificationTime: '2026-01-02T00:00:00.000Z',
    };
    delete (after as { notes?: string }).notes;
    expect(fieldChanges(before, after)).toEqual([
      { field: 'priceEstimate', to: { minPrice: 1, maxPrice: 2, currencyCode: 'EUR' } },
      { field: 'notes', from: 'old' },
    ]);
    expect(fieldChanges(before, { ...before, parties: [a, c] })).toEqual([
      { field: 'parties', from: [a, b], to: [a, c] },
    ]);
    // A party's type changing is a change of the set, too.
    expect(fieldChanges(before, { ...before, parties: [a, { ...b, partyTypeCode: 'ESTATE_PARTY' }] })).toHaveLength(1);
  });

  it('compares nested objects as GET returns them, whatever order their keys came in', () => {
    const before = newMeeting();
    const shuffled = {
      ...before,
      meetingRealty: Object.fromEntries(Object.entries(before.meetingRealty).reverse()) as typeof before.meetingRealty,
    };
    expect(fieldChanges(before, shuffled)).toEqual([]);
  });

  it('a CREATED entry lists every field the create set; a DELETED one none', () => {
    const meeting = newMeeting({ realtyId: randomUUID() });
    const created = historyEntry(
      { changeType: 'CREATED', version: 1, time: meeting.modificationTime },
      ORIGIN,
      undefined,
      meeting,
    );
    expect(created.changes.map((change) => change.field)).toContain('realtyId');
    expect(created.changes.every((change) => !('from' in change))).toBe(true);
    expect(created.changes.map((change) => change.field)).not.toContain('modificationTime');
    const deleted = historyEntry(
      { changeType: 'DELETED', version: 2, time: meeting.modificationTime },
      ORIGIN,
      meeting,
      undefined,
    );
    expect(deleted).toEqual({
      version: 2,
      changeType: 'DELETED',
      time: meeting.modificationTime,
      actor: ORIGIN.actor,
      requestId: ORIGIN.requestId,
      changes: [],
    });
    expect(canonicalEntry(structuredClone(created))).toEqual(created);
  });
});

describe('no-op detection', () => {
  it('is exact about client fields, order of parties included, and ignores read-only fields', () => {
    const stored = newMeeting({ parties: [person(), person()] });
    const same = normalizeInput({ ...stored, agencyOfficeId: stored.agencyOfficeId.toUpperCase() });
    expect(changesNothing(stored, same)).toBe(true);
    expect(changesNothing(stored, { ...same, parties: [...same.parties].reverse() })).toBe(false);
    expect(changesNothing(stored, { ...same, notes: 'new' })).toBe(false);
  });
});

describe('retention', () => {
  it('keeps an entry at least 24 months, a leap day until 1 March', () => {
    expect(historyExpiry('2026-03-15T10:00:00.000Z').toISOString()).toBe('2028-03-15T10:00:00.000Z');
    expect(historyExpiry('2028-02-29T10:00:00.000Z').toISOString()).toBe('2030-03-01T10:00:00.000Z');
  });
});
