import type { ChangeEntry, FeedPosition } from './changes-feed.js';
import type { HistoryEntry, WriteOrigin } from './meeting-history.js';
import type { Meeting, MeetingRecord, StoredMeeting } from './meeting.js';
import type { SearchCriteria, SearchEntry } from './search.js';

/**
 * The storage port. Every method is scoped to one tenant; no method can reach another tenant's
 * meetings. Writes are conditional: they succeed only on the exact stored version they were decided
 * on, else they throw ConcurrentModificationError carrying what storage holds now. Every write
 * stores its history entry (what `historyEntry` makes of it, for the version it writes) in the
 * same transaction: no entry without its change, no change without its entry.
 */
export interface MeetingRepository {
  /**
   * Stores a new meeting; never overwrites. `idempotencyHash` stays with the meeting (and its
   * tombstone) through every later write.
   */
  create(tenantId: string, meeting: Meeting, origin: WriteOrigin, idempotencyHash?: string): Promise<void>;
  get(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined>;
  /** Replaces `current` by `next` if storage still holds `current.version`. */
  replace(tenantId: string, current: StoredMeeting, next: Meeting, origin: WriteOrigin): Promise<void>;
  /** Turns `current` into a tombstone if storage still holds `current.version`. */
  delete(tenantId: string, current: StoredMeeting, deletedAt: string, origin: WriteOrigin): Promise<void>;
  /**
   * The meeting's history entries after version `afterVersion` (from the first without it), oldest
   * first: at most `limit`, and whether more follow. Entries outlive the meeting and its tombstone.
   */
  /**
   * A data subject's erasure of the whole meeting (its only party): a tombstone that keeps no field
   * and no request hash, if storage still holds `current.version`; the entry is ERASED, no changes.
   */
  erase(tenantId: string, current: StoredMeeting, erasedAt: string, origin: WriteOrigin): Promise<void>;
  /**
   * A data subject's erasure from a meeting that keeps other parties: `next` replaces `current` as
   * in `replace`, and the entry is ERASED, its values of the party redacted.
   */
  redact(tenantId: string, current: StoredMeeting, next: Meeting, origin: WriteOrigin, partyId: string): Promise<void>;
  /** Stores these entries (redacted by an erasure) over the meeting's entries of the same versions. */
  rewriteHistory(tenantId: string, meetingId: string, entries: HistoryEntry[]): Promise<void>;
  /** When a data subject was last erased from the meeting (`lastErasure`), read strongly, without the meeting. */
  lastErasure(tenantId: string, meetingId: string): Promise<string | undefined>;
  /** Drops the party's trace to the meeting (the erasure is done with it). */
  forgetPartyTrace(tenantId: string, partyId: string, meetingId: string): Promise<void>;
  /**
   * Every meeting that names the party now or named it in a value its history still keeps
   * (deleted meetings and meetings the party has left included); ids in order, each once.
   */
  meetingsNamingParty(tenantId: string, partyId: string): Promise<string[]>;
  history(
    tenantId: string,
    meetingId: string,
    range: { afterVersion?: number; limit: number },
  ): Promise<{ entries: HistoryEntry[]; more: boolean }>;
  /**
   * Offers `visit` the search entry of every meeting that may match `criteria` (a superset is
   * fine), each meeting once, batch by batch as storage reads them: however many meetings match,
   * nothing is held beyond the batches being read.
   */
  visitSearchEntries(tenantId: string, criteria: SearchCriteria, visit: (entry: SearchEntry) => void): Promise<void>;
  /** The meetings of these ids, in the given order (missing ones left out). */
  getMany(tenantId: string, meetingIds: string[]): Promise<Meeting[]>;
  /**
   * The change order of the tenant's meetings and tombstones, after `after` (from the start without
   * it) up to and including every change at instant `upTo`: at most `limit` distinct meetings, and
   * whether more follow. An index read: it may lag, which the feed's settled horizon allows for.
   */
  findChanges(
    tenantId: string,
    range: { after?: FeedPosition; upTo: string; limit: number },
  ): Promise<{ entries: ChangeEntry[]; more: boolean }>;
  /** What storage holds now for each of these ids (a consistent read); ids with nothing stored are left out. */
  getRecords(tenantId: string, meetingIds: string[]): Promise<Map<string, MeetingRecord>>;
}

export class ConcurrentModificationError extends Error {
  /** `current` is what storage holds now, when it could tell (undefined: read it again). */
  constructor(readonly current?: MeetingRecord | null) {
    super('the meeting changed since it was read');
    this.name = 'ConcurrentModificationError';
  }
}

/** Thrown by storage adapters when the store is throttled or unreachable: the client may retry. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super('storage unavailable', { cause });
    this.name = 'StorageUnavailableError';
  }
}
