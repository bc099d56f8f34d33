/**
 * The storage port in memory, for use-case tests in the unit tier (no Java, no DynamoDB Local).
 * It mirrors DynamoDbMeetingRepository's behaviour, and test/support/meeting-repository-contract.ts
 * runs the same suite against both to keep it so.
 */
import { comparePositions, type ChangeEntry, type FeedPosition } from '../../shared/domain/changes-feed.js';
import { erasureChanges, partiesLeaving } from '../../shared/domain/erasure.js';
import { historyEntry, type HistoryEntry, type WriteOrigin } from '../../shared/domain/meeting-history.js';
import { ConcurrentModificationError, type MeetingRepository } from '../../shared/domain/meeting-repository.js';
import {
  canonicalMeeting,
  isTombstone,
  lastErasure,
  searchableText,
  type Meeting,
  type MeetingRecord,
  type StoredMeeting,
} from '../../shared/domain/meeting.js';
import { toSearchEntry, type SearchCriteria, type SearchEntry } from '../../shared/domain/search.js';

/** What a meeting keeps through every later write: its create's request hash, its last erasure. */
const carried = (current: StoredMeeting) => ({
  ...(current.idempotencyHash ? { idempotencyHash: current.idempotencyHash } : {}),
  ...(current.erasedAt ? { erasedAt: current.erasedAt } : {}),
});

/** Copies in and out, so that neither a caller nor a test can change what is stored behind its back. */
const copy = <T>(value: T): T => structuredClone(value);

/** What storage hands back: a copy, the meeting's fields in canonical order as the adapter reads them. */
function readRecord(record: MeetingRecord): MeetingRecord {
  return isTombstone(record) ? { ...record } : { ...record, meeting: canonicalMeeting(copy(record.meeting)) };
}

export class InMemoryMeetingRepository implements MeetingRepository {
  private readonly tenants = new Map<string, Map<string, MeetingRecord>>();
  /** Each meeting's history entries, by tenant and meeting: they outlive the meeting, as in the table. */
  private readonly histories = new Map<string, HistoryEntry[]>();

  /** Each party's traced meetings, by tenant and party (as the adapter's party traces). */
  private readonly traces = new Map<string, Set<string>>();

  private trace(tenantId: string, meetingId: string, partyIds: string[]): void {
    for (const partyId of partyIds) {
      const traceKey = `${tenantId}\n${partyId}`;
      this.traces.set(traceKey, (this.traces.get(traceKey) ?? new Set()).add(meetingId));
    }
  }

  private record(tenantId: string, meetingId: string, entry: HistoryEntry): void {
    const key = `${tenantId}\n${meetingId}`;
    const entries = this.histories.get(key) ?? [];
    this.histories.set(key, [...entries, copy(entry)]);
  }

  private recordsOf(tenantId: string): Map<string, MeetingRecord> {
    let records = this.tenants.get(tenantId);
    if (!records) this.tenants.set(tenantId, (records = new Map()));
    return records;
  }

  async create(tenantId: string, meeting: Meeting, origin: WriteOrigin, idempotencyHash?: string): Promise<void> {
    const records = this.recordsOf(tenantId);
    // As the adapter: a condition that the id is unused (a tombstone uses it), and what holds it
    // handed back (ALL_OLD).
    const taken = records.get(meeting.meetingId);
    if (taken) throw new ConcurrentModificationError(readRecord(taken));
    records.set(meeting.meetingId, {
      meeting: copy(meeting),
      version: 1,
      ...(idempotencyHash ? { idempotencyHash } : {}),
    });
    const change = { changeType: 'CREATED', version: 1, time: meeting.modificationTime } as const;
    this.record(tenantId, meeting.meetingId, historyEntry(change, origin, undefined, meeting));
  }

  async get(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined> {
    const record = this.tenants.get(tenantId)?.get(meetingId);
    return record && readRecord(record);
  }

  async replace(tenantId: string, current: StoredMeeting, next: Meeting, origin: WriteOrigin): Promise<void> {
    if (next.meetingId !== current.meeting.meetingId)
      throw new Error('replace keeps the meetingId: next is another meeting');
    this.assertVersion(tenantId, current);
    this.trace(tenantId, next.meetingId, partiesLeaving(current.meeting, next));
    this.recordsOf(tenantId).set(next.meetingId, {
      meeting: copy(next),
      version: current.version + 1,
      ...carried(current),
    });
    const change = { changeType: 'UPDATED', version: current.version + 1, time: next.modificationTime } as const;
    this.record(tenantId, next.meetingId, historyEntry(change, origin, current.meeting, next));
  }

  async delete(tenantId: string, current: StoredMeeting, deletedAt: string, origin: WriteOrigin): Promise<void> {
    this.assertVersion(tenantId, current);
    const { meetingId } = current.meeting;
    this.trace(tenantId, meetingId, partiesLeaving(current.meeting, undefined));
    this.recordsOf(tenantId).set(meetingId, {
      deleted: true,
      meetingId,
      version: current.version + 1,
      deletionTime: deletedAt,
      ...carried(current),
    });
    const change = { changeType: 'DELETED', version: current.version + 1, time: deletedAt } as const;
    this.record(tenantId, meetingId, historyEntry(change, origin, current.meeting, undefined));
  }

  async erase(tenantId: string, current: StoredMeeting, erasedAt: string, origin: WriteOrigin): Promise<void> {
    this.assertVersion(tenantId, current);
    const { meetingId } = current.meeting;
    const version = current.version + 1;
    this.recordsOf(tenantId).set(meetingId, {
      deleted: true,
      meetingId,
      version,
      deletionTime: erasedAt,
      erased: true,
    });
    this.record(
      tenantId,
      meetingId,
      historyEntry({ changeType: 'ERASED', version, time: erasedAt }, origin, undefined, undefined),
    );
  }

  async redact(
    tenantId: string,
    current: StoredMeeting,
    next: Meeting,
    origin: WriteOrigin,
    partyId: string,
  ): Promise<void> {
    this.assertVersion(tenantId, current);
    this.trace(tenantId, next.meetingId, partiesLeaving(current.meeting, next));
    const version = current.version + 1;
    const kept = { ...carried(current), erasedAt: next.modificationTime };
    this.recordsOf(tenantId).set(next.meetingId, { meeting: copy(next), version, ...kept });
    const change = { changeType: 'ERASED', version, time: next.modificationTime } as const;
    this.record(tenantId, next.meetingId, {
      ...historyEntry(change, origin, undefined, undefined),
      changes: erasureChanges(current.meeting, next, partyId),
    });
  }

  async rewriteHistory(tenantId: string, meetingId: string, entries: HistoryEntry[]): Promise<void> {
    const key = `${tenantId}\n${meetingId}`;
    const byVersion = new Map(entries.map((entry) => [entry.version, copy(entry)]));
    this.histories.set(
      key,
      (this.histories.get(key) ?? []).map((entry) => byVersion.get(entry.version) ?? entry),
    );
  }

  async lastErasure(tenantId: string, meetingId: string): Promise<string | undefined> {
    const record = this.tenants.get(tenantId)?.get(meetingId);
    return record && lastErasure(record);
  }

  async forgetPartyTrace(tenantId: string, partyId: string, meetingId: string): Promise<void> {
    this.traces.get(`${tenantId}\n${partyId}`)?.delete(meetingId);
  }

  async meetingsNamingParty(tenantId: string, partyId: string): Promise<string[]> {
    const ids = new Set(this.traces.get(`${tenantId}\n${partyId}`) ?? []);
    for (const record of this.tenants.get(tenantId)?.values() ?? [])
      if (!isTombstone(record) && record.meeting.parties.some((p) => p.partyId === partyId))
        ids.add(record.meeting.meetingId);
    return [...ids].sort();
  }

  async history(
    tenantId: string,
    meetingId: string,
    range: { afterVersion?: number; limit: number },
  ): Promise<{ entries: HistoryEntry[]; more: boolean }> {
    const after = (this.histories.get(`${tenantId}\n${meetingId}`) ?? []).filter(
      (entry) => entry.version > (range.afterVersion ?? 0),
    );
    return { entries: copy(after.slice(0, range.limit)), more: after.length > range.limit };
  }

  /** The adapter's write condition: storage still holds `current.version`, else what it holds now (ALL_OLD: null when nothing). */
  private assertVersion(tenantId: string, current: StoredMeeting): void {
    const stored = this.tenants.get(tenantId)?.get(current.meeting.meetingId);
    if (stored?.version !== current.version) throw new ConcurrentModificationError(stored ? readRecord(stored) : null);
  }

  /** Every meeting of the tenant: the widest superset the port allows, so use cases must filter. */
  async visitSearchEntries(
    tenantId: string,
    _criteria: SearchCriteria,
    visit: (entry: SearchEntry) => void,
  ): Promise<void> {
    for (const record of [...(this.tenants.get(tenantId)?.values() ?? [])])
      if (!isTombstone(record)) visit(toSearchEntry(copy(record.meeting), searchableText(record.meeting)));
  }

  /** The change order as the adapter's index has it, but never lagging. */
  async findChanges(
    tenantId: string,
    range: { after?: FeedPosition; upTo: string; limit: number },
  ): Promise<{ entries: ChangeEntry[]; more: boolean }> {
    const upTo = { time: range.upTo };
    const order = [...(this.tenants.get(tenantId)?.values() ?? [])]
      .map((record) =>
        isTombstone(record)
          ? { meetingId: record.meetingId, time: record.deletionTime }
          : { meetingId: record.meeting.meetingId, time: record.meeting.modificationTime },
      )
      .filter((entry) => comparePositions(entry, upTo) <= 0)
      .filter((entry) => range.after === undefined || comparePositions(entry, range.after) > 0)
      .sort(comparePositions);
    return { entries: order.slice(0, range.limit), more: order.length > range.limit };
  }

  async getRecords(tenantId: string, meetingIds: string[]): Promise<Map<string, MeetingRecord>> {
    const records = new Map<string, MeetingRecord>();
    for (const meetingId of meetingIds) {
      const record = this.tenants.get(tenantId)?.get(meetingId);
      if (record) records.set(meetingId, readRecord(record));
    }
    return records;
  }

  async getMany(tenantId: string, meetingIds: string[]): Promise<Meeting[]> {
    const records = this.tenants.get(tenantId);
    return meetingIds.flatMap((meetingId) => {
      const record = records?.get(meetingId);
      return record && !isTombstone(record) ? [canonicalMeeting(copy(record.meeting))] : [];
    });
  }
}
