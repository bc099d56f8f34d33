import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  DEFAULT_WRITE_DEADLINE_MS,
  DELETION_RETENTION_MS,
  type ChangeEntry,
  type FeedPosition,
} from '../domain/changes-feed.js';
import {
  ConcurrentModificationError,
  StorageUnavailableError,
  type MeetingRepository,
} from '../domain/meeting-repository.js';
import {
  canonicalMeeting,
  isTombstone,
  searchableText,
  type Meeting,
  type MeetingRecord,
  type StoredMeeting,
} from '../domain/meeting.js';
import { matches, toSearchEntry, type SearchCriteria, type SearchEntry } from '../domain/search.js';
import {
  afterInstant,
  agentKey,
  changeAfter,
  linkKey,
  meetingKey,
  modifiedKey,
  officeKey,
  partyKey,
  shardOf,
  SHARDS,
  statusKey,
  tenantKey,
  visitKey,
  type LinkKind,
} from './keys.js';
import { keyCondition, planSearch } from './search-planner.js';
import { LINK_ENTRY_ATTRIBUTES, SEARCH_ENTRY_ATTRIBUTES, TIME_TO_LIVE_ATTRIBUTE } from './table-definition.js';
import { callStore } from './unavailability.js';

type Item = Record<string, unknown>;
type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const BATCH_GET_LIMIT = 100;
/** Index queries of one search (or changes read) run at most this many at a time. */
const QUERY_CONCURRENCY = 16;

const MAX_TIMER_MS = 2 ** 31 - 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    limits: Partial<RepositoryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Every store call goes through here, so that unavailability is classified in one place. */
  private call<T>(operation: (client: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    return callStore(() => operation(this.client));
  }

  /** The pages of a Query, one request at a time (the caller may stop early). */
  private async *queryPages(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.call((client) =>
        client.send(new QueryCommand({ ...input, ExclusiveStartKey })),
      );
      yield page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async create(tenantId: string, meeting: Meeting, idempotencyHash?: string): Promise<void> {
    // Never overwrites; an id already taken comes back with what holds it (ALL_OLD), as on a lost race.
    await this.transact(
      this.meetingWrites(tenantId, meeting, 1, undefined, idempotencyHash, {
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
      meeting.modificationTime,
    );
  }

  async get(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined> {
    const { Item } = await this.call((client) =>
      client.send(
        new GetCommand({ TableName: this.tableName, Key: meetingKey(tenantId, meetingId), ConsistentRead: true }),
      ),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async replace(tenantId: string, current: StoredMeeting, next: Meeting): Promise<void> {
    await this.transact(
      this.meetingWrites(
        tenantId,
        next,
        current.version + 1,
        current.meeting,
        current.idempotencyHash,
        this.versionCondition(current.version),
      ),
      next.modificationTime,
    );
  }

  async delete(tenantId: string, current: StoredMeeting, deletedAt: string): Promise<void> {
    const { meetingId } = current.meeting;
    await this.transact(
      [
        {
          // The tombstone keeps no meeting data: it leaves every search index and stays only in the
          // tenant's change order (the changes feed), until its time to live runs out.
          Put: {
            TableName: this.tableName,
            Item: {
              ...meetingKey(tenantId, meetingId),
              meetingId,
              deleted: true,
              deletedAt,
              version: current.version + 1,
              tenantKey: tenantKey(tenantId, shardOf(meetingId)),
              modifiedKey: modifiedKey(deletedAt, meetingId),
              modificationTime: deletedAt,
              [TIME_TO_LIVE_ATTRIBUTE]: Math.ceil((Date.parse(deletedAt) + DELETION_RETENTION_MS) / 1000),
              // A replay of the create that made it still answers with its id.
              ...(current.idempotencyHash ? { idempotencyHash: current.idempotencyHash } : {}),
            },
            ...this.versionCondition(current.version),
          },
        },
        ...this.slotDeletes(tenantId, meetingId, 'PARTY', 0, current.meeting.parties.length),
        ...this.slotDeletes(tenantId, meetingId, 'AGENT', 0, current.meeting.agents.length),
      ],
      deletedAt,
    );
  }

  /**
   * Each shard's first `limit + 1` distinct meetings after the position, merged in order: the
   * first `limit + 1` of the tenant are among them.
   */
  async findChanges(
    tenantId: string,
    range: { after?: FeedPosition; upTo: string; limit: number },
  ): Promise<{ entries: ChangeEntry[]; more: boolean }> {
    const perShard: Array<{ key: string; entry: ChangeEntry }[]> = [];
    await forEachConcurrently(SHARDS, QUERY_CONCURRENCY, async (shard) => {
      perShard.push(await this.changesOfShard(tenantId, shard, range));
    });
    const merged = perShard.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { entries: merged.slice(0, range.limit).map(({ entry }) => entry), more: merged.length > range.limit };
  }

  private async changesOfShard(
    tenantId: string,
    shard: number,
    range: { after?: FeedPosition; upTo: string; limit: number },
  ): Promise<{ key: string; entry: ChangeEntry }[]> {
    const found: { key: string; entry: ChangeEntry }[] = [];
    const seen = new Set<string>();
    const pages = this.queryPages({
      TableName: this.tableName,
      IndexName: 'byTenantModificationTime',
      KeyConditionExpression: range.after
        ? 'tenantKey = :tenant AND modifiedKey BETWEEN :from AND :to'
        : 'tenantKey = :tenant AND modifiedKey <= :to',
      ExpressionAttributeValues: {
        ':tenant': tenantKey(tenantId, shard),
        ':to': afterInstant(range.upTo),
        ...(range.after ? { ':from': changeAfter(range.after) } : {}),
      },
      ProjectionExpression: 'meetingId, modifiedKey',
      Limit: range.limit + 1,
    });
    for await (const items of pages) {
      for (const item of items) {
        const meetingId = item.meetingId as string;
        // An index that lags may still list a meeting's earlier write: its first entry is kept.
        if (seen.has(meetingId)) continue;
        seen.add(meetingId);
        const key = item.modifiedKey as string;
        found.push({ key, entry: { meetingId, time: key.split('#')[0]! } });
        if (found.length > range.limit) return found;
      }
    }
    return found;
  }

  async getRecords(tenantId: string, meetingIds: string[]): Promise<Map<string, MeetingRecord>> {
    const records = new Map<string, MeetingRecord>();
    await this.batchGet(tenantId, meetingIds, { consistent: true }, (item) => {
      records.set(item.meetingId as string, toRecord(item));
    });
    return records;
  }

  async visitSearchEntries(
    tenantId: string,
    criteria: SearchCriteria,
    visit: (entry: SearchEntry) => void,
  ): Promise<void> {
    const plan = planSearch(tenantId, criteria);
    // A meeting with several of the parties (agents) asked for is taken from the query of the
    // first of them only: no set of seen ids, however many entries are read.
    const ownQuery = (entry: SearchEntry, query: { value?: string }) =>
      !plan.repeatsOn ||
      plan.repeatsOn.values.find((value) => entry[plan.repeatsOn!.field].includes(value)) === query.value;
    await forEachConcurrently(plan.queries, QUERY_CONCURRENCY, async (query) => {
      const { expression, values } = keyCondition(query);
      const pages = this.queryPages({
        TableName: this.tableName,
        IndexName: query.indexName,
        KeyConditionExpression: expression,
        ExpressionAttributeValues: values,
        ProjectionExpression: SEARCH_ENTRY_ATTRIBUTES.join(', '),
      });
      for await (const items of pages) {
        // Tombstones sit in the modification index (for the changes feed) with no meeting fields.
        const entries = items
          .filter((item) => item.statusCode !== undefined)
          .map(toEntry)
          .filter((entry) => ownQuery(entry, query));
        if (criteria.freeTextTerms) await this.addSearchTexts(tenantId, entries, criteria);
        for (const entry of entries) visit(entry);
      }
    });
  }

  /**
   * Link items carry no search text (LINK_ENTRY_ATTRIBUTES): a free-text search driven by a party
   * or agent index reads the text of its candidates, those that pass every other filter, from
   * their meeting items.
   */
  private async addSearchTexts(tenantId: string, entries: SearchEntry[], criteria: SearchCriteria): Promise<void> {
    const otherFilters = { ...criteria, freeTextTerms: undefined };
    const wanted = [
      ...new Set(entries.filter((e) => e.searchText === undefined && matches(e, otherFilters)).map((e) => e.meetingId)),
    ];
    if (wanted.length === 0) return;
    const texts = new Map<string, string>();
    await this.batchGet(tenantId, wanted, { projection: 'meetingId, searchText', consistent: false }, (item) => {
      if (typeof item.searchText === 'string') texts.set(item.meetingId as string, item.searchText);
    });
    // A meeting deleted since its index entry was read has no text: it matches no term.
    for (const entry of entries)
      if (entry.searchText === undefined) entry.searchText = texts.get(entry.meetingId) ?? '';
  }

  async getMany(tenantId: string, meetingIds: string[]): Promise<Meeting[]> {
    const records = await this.getRecords(tenantId, meetingIds);
    // A meeting deleted between the index read and this read is simply left out.
    return meetingIds.flatMap((id) => {
      const record = records.get(id);
      return record && !isTombstone(record) ? [record.meeting] : [];
    });
  }

  /** Meeting items by id, 100 per BatchGetItem, unprocessed keys retried with backoff. */
  private async batchGet(
    tenantId: string,
    meetingIds: string[],
    options: { projection?: string; consistent: boolean },
    onItem: (item: Item) => void,
  ): Promise<void> {
    for (let start = 0; start < meetingIds.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = meetingIds
        .slice(start, start + BATCH_GET_LIMIT)
        .map((id) => meetingKey(tenantId, id));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > 8) throw new StorageUnavailableError(new Error('BatchGetItem kept returning unprocessed keys'));
        if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
        const requested: Record<string, unknown>[] = keys;
        const result: BatchGetCommandOutput = await this.call((client) =>
          client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: requested,
                  ConsistentRead: options.consistent,
                  ProjectionExpression: options.projection,
                },
              },
            }),
          ),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) onItem(item);
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
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
      await this.call((client) =>
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

  private versionCondition(version: number) {
    return {
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': version },
      // On a lost race the failed condition hands back what storage holds now: no extra read.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /**
   * The writes of one meeting version: the meeting item (conditioned), a Put of every current link
   * slot (links carry the search entry, which changes with each write) and a Delete of every slot
   * no longer used.
   */
  private meetingWrites(
    tenantId: string,
    meeting: Meeting,
    version: number,
    previous: Meeting | undefined,
    idempotencyHash: string | undefined,
    condition: { ConditionExpression: string; ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' },
  ): TransactWriteItem[] {
    const entry = toSearchEntry(meeting, searchableText(meeting));
    const linkEntry = Object.fromEntries(LINK_ENTRY_ATTRIBUTES.map((name) => [name, entry[name]]));
    const visit = visitKey(meeting.visitTime, meeting.meetingId);
    const put = (kind: LinkKind, slot: number, indexKey: Item): TransactWriteItem => ({
      Put: {
        TableName: this.tableName,
        Item: { ...linkKey(tenantId, meeting.meetingId, kind, slot), ...linkEntry, ...indexKey, visitKey: visit },
      },
    });
    const item: Item = {
      ...meetingKey(tenantId, meeting.meetingId),
      ...entry,
      meeting,
      version,
      tenantKey: tenantKey(tenantId, shardOf(meeting.meetingId)),
      statusKey: statusKey(tenantId, meeting.statusCode, shardOf(meeting.meetingId)),
      visitKey: visit,
      modifiedKey: modifiedKey(meeting.modificationTime, meeting.meetingId),
      officeKey: officeKey(tenantId, meeting.agencyOfficeId),
      ...(idempotencyHash ? { idempotencyHash } : {}),
    };
    return [
      { Put: { TableName: this.tableName, Item: item, ...condition } },
      ...meeting.parties.map((p, slot) => put('PARTY', slot, { partyKey: partyKey(tenantId, p.partyId) })),
      ...meeting.agents.map((a, slot) => put('AGENT', slot, { agentKey: agentKey(tenantId, a.agentId) })),
      ...this.slotDeletes(tenantId, meeting.meetingId, 'PARTY', meeting.parties.length, previous?.parties.length ?? 0),
      ...this.slotDeletes(tenantId, meeting.meetingId, 'AGENT', meeting.agents.length, previous?.agents.length ?? 0),
    ];
  }

  private slotDeletes(
    tenantId: string,
    meetingId: string,
    kind: LinkKind,
    from: number,
    to: number,
  ): TransactWriteItem[] {
    const deletes: TransactWriteItem[] = [];
    for (let slot = from; slot < to; slot++)
      deletes.push({ Delete: { TableName: this.tableName, Key: linkKey(tenantId, meetingId, kind, slot) } });
    return deletes;
  }
}

/** A meeting item as the domain knows it (also how a stream image of one is read). */
export function toRecord(item: Item): MeetingRecord {
  const hash = typeof item.idempotencyHash === 'string' ? { idempotencyHash: item.idempotencyHash } : {};
  if (item.deleted === true)
    return {
      deleted: true,
      meetingId: item.meetingId as string,
      version: item.version as number,
      deletionTime: item.deletedAt as string,
      ...hash,
    };
  return { meeting: canonicalMeeting(item.meeting as Meeting), version: item.version as number, ...hash };
}

/** An index entry; searchText stays undefined for a link item's entry (filled in when a search needs it). */
function toEntry(item: Item): SearchEntry {
  return Object.fromEntries(SEARCH_ENTRY_ATTRIBUTES.map((name) => [name, item[name]])) as unknown as SearchEntry;
}

/** Runs `work` on every item, at most `limit` at a time; the first failure fails the whole. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
