/**
 * A data subject's erasure (contract-history-privacy.md, "Erasure"): what it leaves of a meeting
 * that names the party and of that meeting's history. A legal duty, so the status locks do not
 * apply. Storage carries it out (meeting-repository.ts); the use case decides per meeting.
 */
import { fieldChanges, type FieldChange, type HistoryEntry, type HistoryField } from './meeting-history.js';
import type { Meeting } from './meeting.js';

/** What an erasure does to one meeting: erase it whole (its only party), redact it, or neither (it no longer names the party). */
export type MeetingErasure = 'ERASED' | 'REDACTED' | 'NONE';

export const namesParty = (meeting: Meeting, partyId: string): boolean =>
  meeting.parties.some((party) => party.partyId === partyId);

/** What an erasure does to a meeting that names the party now. */
export const erasureOf = (meeting: Meeting, partyId: string): MeetingErasure =>
  !namesParty(meeting, partyId) ? 'NONE' : meeting.parties.length === 1 ? 'ERASED' : 'REDACTED';

/**
 * The parties a write takes out of the meeting (all of them when it deletes it): from then on only
 * the meeting's history names them, and only their traces lead an erasure to it.
 */
export const partiesLeaving = (before: Meeting, after: Meeting | undefined): string[] =>
  before.parties.map((p) => p.partyId).filter((partyId) => !after || !namesParty(after, partyId));

/** The meeting without the party and without its notes (free text may name the person); other fields stay. */
export function withoutParty(meeting: Meeting, partyId: string): Meeting {
  const { notes: _notes, ...rest } = meeting;
  return { ...rest, parties: meeting.parties.filter((party) => party.partyId !== partyId) };
}

/** The fields whose every value an erased meeting's history loses. */
const ERASED_MEETING_FIELDS: ReadonlySet<HistoryField> = new Set([
  'parties',
  'notes',
  'meetingRealty',
  'priceEstimate',
  'realtyId',
]);

const holdsParty = (value: unknown, partyId: string) =>
  Array.isArray(value) && value.some((party) => (party as { partyId?: string }).partyId === partyId);

/**
 * One change with the values the erasure removes replaced by null and marked redacted: a notes
 * value, a parties value that holds the party, and for an erased meeting any value of its
 * personal fields. Values already redacted stay so.
 */
function redactChange(change: FieldChange, partyId: string, wholeMeeting: boolean): FieldChange {
  const removes = (value: unknown) =>
    value !== null &&
    (change.field === 'notes' ||
      (change.field === 'parties' && holdsParty(value, partyId)) ||
      (wholeMeeting && ERASED_MEETING_FIELDS.has(change.field)));
  const from = 'from' in change && removes(change.from);
  const to = 'to' in change && removes(change.to);
  if (!from && !to) return change;
  return {
    ...change,
    ...(from ? { from: null } : {}),
    ...(to ? { to: null } : {}),
    redacted: true,
  };
}

/** A history entry as the erasure leaves it (the same entry when it holds nothing to remove). */
export function redactEntry(entry: HistoryEntry, partyId: string, wholeMeeting: boolean): HistoryEntry {
  return { ...entry, changes: entry.changes.map((change) => redactChange(change, partyId, wholeMeeting)) };
}

/** The changes of the ERASED entry of a redaction, redacted as the erasure leaves every entry. */
export const erasureChanges = (before: Meeting, after: Meeting, partyId: string): FieldChange[] =>
  fieldChanges(before, after).map((change) => redactChange(change, partyId, false));

/**
 * Whether a meeting deleted before the erasure was the party's alone: its last parties value (as
 * its history still holds it) named no one else. Its history then loses every personal value, as
 * an erased meeting's does.
 */
export function lastPartiesWere(entries: readonly HistoryEntry[], partyId: string): boolean {
  for (const entry of [...entries].reverse()) {
    const change = entry.changes.find((c) => c.field === 'parties' && 'to' in c);
    if (!change) continue;
    const parties = change.to as Array<{ partyId: string }> | null;
    return parties === null || parties.every((party) => party.partyId === partyId);
  }
  return false;
}
