/**
 * A meeting's history: one entry per committed write, saying who made it, with which request, and
 * which fields it changed from what to what. Storage writes the entry in the same transaction as
 * the change (shared/domain/meeting-repository.ts); this module decides what the entry says.
 */
import type { components } from '../generated/api-types.js';
import {
  canonicalField,
  canonicalMeeting,
  MEETING_FIELD_ORDER,
  READ_ONLY_FIELDS,
  type Meeting,
  type MeetingInput,
} from './meeting.js';

type Schemas = components['schemas'];
export type HistoryEntry = Schemas['HistoryEntry'];
export type HistoryChangeType = Schemas['HistoryChangeType'];
export type Actor = Schemas['HistoryActor'];
export type FieldChange = Schemas['FieldChange'];
export type HistoryField = FieldChange['field'];

/** Who asked for a write, and with which request: what every history entry records. */
export interface WriteOrigin {
  actor: Actor;
  requestId: string;
}

/** Entries are kept at least this many months after their write; storage may drop them after. */
export const HISTORY_RETENTION_MONTHS = 24;

/** The instant an entry written at `time` may be dropped: 24 months on (29 February becomes 1 March: later, never sooner). */
export function historyExpiry(time: string): Date {
  const at = new Date(time);
  at.setUTCMonth(at.getUTCMonth() + HISTORY_RETENTION_MONTHS);
  return at;
}

/** The fields a history entry lists: those a client sets (the read-only ones are the entry's own `time`). */
export const HISTORY_FIELDS = MEETING_FIELD_ORDER.filter(
  (field): field is HistoryField => !(READ_ONLY_FIELDS as readonly string[]).includes(field),
);

/** Fields whose order carries no meaning: compared as sets. */
const SET_FIELDS: ReadonlySet<HistoryField> = new Set(['parties', 'agents']);

const keyOf = (value: unknown): string => JSON.stringify(value);

function sameValue(field: HistoryField, before: unknown, after: unknown): boolean {
  if (before === undefined || after === undefined) return before === after;
  if (!SET_FIELDS.has(field)) return keyOf(before) === keyOf(after);
  const set = (value: unknown) => [...new Set((value as unknown[]).map(keyOf))].sort().join('\n');
  return set(before) === set(after);
}

/**
 * One change per field whose value differs, compared as GET returns the meeting (fields in the
 * reference's order, nested objects too). `from` is absent where the field was not set before,
 * `to` where it is not set after.
 */
export function fieldChanges(before: Meeting | undefined, after: Meeting | undefined): FieldChange[] {
  const was = before && (canonicalMeeting(before) as Record<string, unknown>);
  const is = after && (canonicalMeeting(after) as Record<string, unknown>);
  return HISTORY_FIELDS.flatMap((field) => {
    const from = was?.[field];
    const to = is?.[field];
    if (sameValue(field, from, to)) return [];
    return [{ field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }];
  });
}

/** The entry of one write: `version` is the version the write made, `time` its modificationTime (or deletionTime). */
export function historyEntry(
  change: { changeType: HistoryChangeType; version: number; time: string },
  origin: WriteOrigin,
  before: Meeting | undefined,
  after: Meeting | undefined,
): HistoryEntry {
  return {
    version: change.version,
    changeType: change.changeType,
    time: change.time,
    actor: { subject: origin.actor.subject, ...(origin.actor.clientId ? { clientId: origin.actor.clientId } : {}) },
    requestId: origin.requestId,
    changes: change.changeType === 'DELETED' ? [] : fieldChanges(before, after),
  };
}

/**
 * A PUT that would store exactly what is stored: its body, normalized as the stored meeting was,
 * equals the meeting in every field a client sets (parties and agents in the same order too, since
 * GET returns them in the order sent).
 */
export function changesNothing(stored: Meeting, next: MeetingInput): boolean {
  const clientFields = (meeting: MeetingInput) => {
    const canonical = canonicalMeeting(meeting as Meeting) as Record<string, unknown>;
    return keyOf(HISTORY_FIELDS.map((field) => canonical[field]));
  };
  return clientFields(stored) === clientFields(next);
}

/** An entry as storage hands it back, in the document's field order (storage keeps maps unordered). */
export function canonicalEntry(entry: HistoryEntry): HistoryEntry {
  const value = (field: HistoryField, v: unknown) => canonicalField(field, v as never) as unknown;
  return {
    version: entry.version,
    changeType: entry.changeType,
    time: entry.time,
    actor: { subject: entry.actor.subject, ...(entry.actor.clientId ? { clientId: entry.actor.clientId } : {}) },
    requestId: entry.requestId,
    changes: entry.changes.map((change) => ({
      field: change.field,
      ...('from' in change ? { from: value(change.field, change.from) } : {}),
      ...('to' in change ? { to: value(change.field, change.to) } : {}),
      ...(change.redacted ? { redacted: change.redacted } : {}),
    })),
  };
}
