/**
 * The MeetingRepository on DynamoDB: every write one conditioned transaction of the item layout
 * (meeting-items.ts), reads by key, and the search and changes-feed reads of their own modules.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_WRITE_DEADLINE_MS, type ChangeEntry } from '../domain/changes-feed.js';
import { erasureChanges, partiesLeaving } from '../domain/erasure.js';
import { historyEntry, type HistoryEntry, type WriteOrigin } from '../domain/meeting-history.js';
import {
  ConcurrentModificationError,
  StorageUnavailableError,
  type MeetingRepository,
} from '../domain/meeting-repository.js';
import { isTombstone, lastErasure, type Meeting, type MeetingRecord, type StoredMeeting } from '../domain/meeting.js';
import type { SearchCriteria, SearchEntry } from '../domain/search.js';
import { batchWrite, putRequest } from './batch-writes.js';
import { meetingKey } from './keys.js';
import { findChanges, type ChangeRange } from './meeting-feed-reads.js';
import { lastHistoryVersion, readHistory } from './meeting-history-reads.js';
import {
  historyItem,
  historyWrite,
  meetingVersionWrites,
  RECORD_PROJECTION,
  toRecord,
  tombstoneWrites,
  versionCondition,
  type TransactWriteItem,
} from './meeting-items.js';
import { visitSearchEntries } from './meeting-search-reads.js';
import { deletePartyTrace, meetingsNamingParty, writePartyTraces } from './party-traces.js';
import { sleep, TableReader } from './table-reader.js';

/** The history entry of the version a write makes exists already, though the meeting item's condition held. */
class HistoryVersionTaken extends Error {}

/** A timer cannot run longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RepositoryLimits {
  /**
   * How long after its modificationTime a write may still be sent or retried; past it the write is
   * abandoned (503). The changes feed's settle delay counts on it (shared/domain/changes-feed.ts).
   */
  writeDeadlineMs: number;
}

export const DEFAULT_LIMITS: RepositoryLimits = {
  writeDeadlineMs: DEFAULT_WRITE_DEADLINE_MS,
};

/** For seeding and tests that write meetings with made-up past modification times (never for the feed's writers). */
export const NO_WRITE_DEADLINE: Partial<RepositoryLimits> = { writeDeadlineMs: Number.POSITIVE_INFINITY };

export class DynamoDbMeetingRepository implements MeetingRepository {
  private readonly limits: RepositoryLimits;
  private readonly reader: TableReader;

  constructor(
    client: DynamoDBDocumentClient,
    private readonly tableName: string,
    limits: Partial<RepositoryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.reader = new TableReader(client, tableName);
  }

  async create(tenantId: string, meeting: Meeting, origin: WriteOrigin, idempotencyHash?: string): Promise<void> {
    // Version 1, unless the id has a history already: an Idempotency-Key's id reused after its
    // tombstone expired continues the history it left (entries outlive tombstones).
    let version = 1;
    for (let attempt = 0; ; attempt++) {
      const entry = historyEntry(
        { changeType: 'CREATED', version, time: meeting.modificationTime },
        origin,
        undefined,
        meeting,
      );
      try {
        // Never overwrites; an id already taken comes back with what holds it (ALL_OLD), as on a lost race.
        await this.transact(
          [
            ...meetingVersionWrites(
              this.tableName,
              tenantId,
              meeting,
              version,
              undefined,
              { idempotencyHash },
              {
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            ),
            historyWrite(this.tableName, tenantId, meeting.meetingId, entry),
          ],
          meeting.modificationTime,
        );
        return;
      } catch (error) {
        if (!(error instanceof HistoryVersionTaken) || attempt >= 2) throw error;
        version = (await lastHistoryVersion(this.reader, tenantId, meeting.meetingId)) + 1;
      }
    }
  }

  async get(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined> {
    const { Item } = await this.reader.call((client) =>
      client.send(
        new GetCommand({ TableName: this.tableName, Key: meetingKey(tenantId, meetingId), ConsistentRead: true }),
      ),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async replace(tenantId: string, current: StoredMeeting, next: Meeting, origin: WriteOrigin): Promise<void> {
    const change = { changeType: 'UPDATED', version: current.version + 1, time: next.modificationTime } as const;
    await this.writeVersion(tenantId, current, next, historyEntry(change, origin, current.meeting, next));
  }

  async redact(
    tenantId: string,
    current: StoredMeeting,
    next: Meeting,
    origin: WriteOrigin,
    partyId: string,
  ): Promise<void> {
    await this.writeVersion(tenantId, current, next, {
      ...historyEntry(
        { changeType: 'ERASED', version: current.version + 1, time: next.modificationTime },
        origin,
        undefined,
        undefined,
      ),
      changes: erasureChanges(current.meeting, next, partyId),
    });
  }

  /** `next` over `current` with its entry; the parties it takes out are traced first. */
  private async writeVersion(tenantId: string, current: StoredMeeting, next: Meeting, entry: HistoryEntry) {
    await this.traceParties(tenantId, next.meetingId, partiesLeaving(current.meeting, next), entry.time);
    await this.transact(
      [
        ...meetingVersionWrites(
          this.tableName,
          tenantId,
          next,
          entry.version,
          current.meeting,
          {
            idempotencyHash: current.idempotencyHash,
            erasedAt: entry.changeType === 'ERASED' ? entry.time : current.erasedAt,
          },
          versionCondition(current.version),
        ),
        historyWrite(this.tableName, tenantId, next.meetingId, entry),
      ],
      next.modificationTime,
    );
  }

  async erase(tenantId: string, current: StoredMeeting, erasedAt: string, origin: WriteOrigin): Promise<void> {
    const entry = historyEntry(
      { changeType: 'ERASED', version: current.version + 1, time: erasedAt },
      origin,
      undefined,
      undefined,
    );
    await this.transact(
      [
        ...tombstoneWrites(this.tableName, tenantId, current, erasedAt, { erased: true }),
        historyWrite(this.tableName, tenantId, current.meeting.meetingId, entry),
      ],
      erasedAt,
    );
  }

  async rewriteHistory(tenantId: string, meetingId: string, entries: HistoryEntry[]): Promise<void> {
    await batchWrite(
      this.reader,
      entries.map((entry) => putRequest(historyItem(tenantId, meetingId, entry))),
    );
  }

  async lastErasure(tenantId: string, meetingId: string): Promise<string | undefined> {
    const { Item } = await this.reader.call((client) =>
      client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: meetingKey(tenantId, meetingId),
          ProjectionExpression: 'erased, deletedAt, erasedAt',
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    const { erased, deletedAt, erasedAt } = Item as { erased?: true; deletedAt?: string; erasedAt?: string };
    return lastErasure({ erased, deletionTime: deletedAt, erasedAt });
  }

  forgetPartyTrace(tenantId: string, partyId: string, meetingId: string): Promise<void> {
    return deletePartyTrace(this.reader, tenantId, partyId, meetingId);
  }

  async delete(tenantId: string, current: StoredMeeting, deletedAt: string, origin: WriteOrigin): Promise<void> {
    const entry = historyEntry(
      { changeType: 'DELETED', version: current.version + 1, time: deletedAt },
      origin,
      current.meeting,
      undefined,
    );
    await this.traceParties(tenantId, current.meeting.meetingId, partiesLeaving(current.meeting, undefined), deletedAt);
    await this.transact(
      [
        ...tombstoneWrites(this.tableName, tenantId, current, deletedAt),
        historyWrite(this.tableName, tenantId, current.meeting.meetingId, entry),
      ],
      deletedAt,
    );
  }

  history(
    tenantId: string,
    meetingId: string,
    range: { afterVersion?: number; limit: number },
  ): Promise<{ entries: HistoryEntry[]; more: boolean }> {
    return readHistory(this.reader, tenantId, meetingId, range);
  }

  meetingsNamingParty(tenantId: string, partyId: string): Promise<string[]> {
    return meetingsNamingParty(this.reader, tenantId, partyId);
  }

  /**
   * The parties a write takes out of the meeting, traced before it (party-traces.ts): until then
   * the party index finds the meeting.
   */
  private async traceParties(tenantId: string, meetingId: string, partyIds: string[], time: string): Promise<void> {
    if (partyIds.length) await writePartyTraces(this.reader, tenantId, meetingId, partyIds, time);
  }

  findChanges(tenantId: string, range: ChangeRange): Promise<{ entries: ChangeEntry[]; more: boolean }> {
    return findChanges(this.reader, tenantId, range);
  }

  async getRecords(tenantId: string, meetingIds: string[]): Promise<Map<string, MeetingRecord>> {
    const records = new Map<string, MeetingRecord>();
    await this.reader.batchGet(tenantId, meetingIds, { consistent: true, projection: RECORD_PROJECTION }, (item) => {
      records.set(item.meetingId as string, toRecord(item));
    });
    return records;
  }

  visitSearchEntries(tenantId: string, criteria: SearchCriteria, visit: (entry: SearchEntry) => void): Promise<void> {
    return visitSearchEntries(this.reader, tenantId, criteria, visit);
  }

  async getMany(tenantId: string, meetingIds: string[]): Promise<Meeting[]> {
    const records = await this.getRecords(tenantId, meetingIds);
    // A meeting deleted between the index read and this read is simply left out.
    return meetingIds.flatMap((id) => {
      const record = records.get(id);
      return record && !isTombstone(record) ? [record.meeting] : [];
    });
  }

  /**
   * Item 0 of every transaction is the meeting: its failed condition means another write won.
   * `writtenAt` is the modificationTime the write carries: past its deadline the write is neither
   * sent nor retried, so that it cannot land behind the changes feed's settled horizon.
   */
  private async transact(items: TransactWriteItem[], writtenAt: string): Promise<void> {
    const remainingMs = Date.parse(writtenAt) + this.limits.writeDeadlineMs - Date.now();
    if (remainingMs <= 0) throw new StorageUnavailableError(new Error('write deadline passed before sending'));
    // (A timer cannot run longer than 2^31-1 ms: a deadline that far off is no deadline.)
    const deadline = remainingMs < MAX_TIMER_MS ? AbortSignal.timeout(remainingMs) : undefined;
    try {
      await this.reader.call((client) =>
        client.send(new TransactWriteCommand({ TransactItems: items }), { abortSignal: deadline }),
      );
    } catch (error) {
      // Abandoned at the deadline: the outcome is unknown, as after any lost answer.
      if (deadline?.aborted && !(error instanceof TransactionCanceledException))
        throw error instanceof StorageUnavailableError ? error : new StorageUnavailableError(error);
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const first = reasons[0];
      if (first?.Code === 'ConditionalCheckFailed') {
        // The document client leaves error details in DynamoDB's wire form.
        throw new ConcurrentModificationError(first.Item ? toRecord(unmarshall(first.Item)) : null);
      }
      // Only the last item, the history entry, has a condition of its own.
      if (reasons.at(-1)?.Code === 'ConditionalCheckFailed') throw new HistoryVersionTaken();
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
        // Another transaction holds the item right now: step aside briefly, then decide again.
        await sleep(5 + Math.random() * 20);
        throw new ConcurrentModificationError(undefined);
      }
      if (
        reasons.some((reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded')
      ) {
        throw new StorageUnavailableError(error);
      }
      throw error;
    }
  }
}
