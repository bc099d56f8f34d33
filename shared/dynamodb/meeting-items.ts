/**
 * The table's item layout for meetings: what a meeting version writes (the meeting item with its
 * search entry and index keys, one link item per party and agent slot, deletes of the slots no
 * longer used), what a deletion writes (a tombstone), and how a stored item reads back. The
 * adapter, the stream's event mapper and the stack's stream filters (through keys.ts) share it.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { DELETION_RETENTION_MS } from '../domain/changes-feed.js';
import { historyExpiry, type HistoryEntry } from '../domain/meeting-history.js';
import {
  canonicalMeeting,
  searchableText,
  type Meeting,
  type MeetingRecord,
  type StoredMeeting,
} from '../domain/meeting.js';
import { toSearchEntry, type SearchEntry } from '../domain/search.js';
import {
  agentKey,
  historyKey,
  linkKey,
  meetingKey,
  modifiedKey,
  officeKey,
  partyKey,
  shardOf,
  statusKey,
  tenantKey,
  visitKey,
  type LinkKind,
} from './keys.js';
import { LINK_ENTRY_ATTRIBUTES, SEARCH_ENTRY_ATTRIBUTES, TIME_TO_LIVE_ATTRIBUTE } from './table-definition.js';

export type Item = Record<string, unknown>;
export type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The condition of a write on the version read. */
export function versionCondition(version: number) {
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
export function meetingVersionWrites(
  tableName: string,
  tenantId: string,
  meeting: Meeting,
  version: number,
  previous: Meeting | undefined,
  carried: { idempotencyHash?: string; erasedAt?: string },
  condition: { ConditionExpression: string; ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' },
): TransactWriteItem[] {
  const entry = toSearchEntry(meeting, searchableText(meeting));
  const linkEntry = Object.fromEntries(LINK_ENTRY_ATTRIBUTES.map((name) => [name, entry[name]]));
  const visit = visitKey(meeting.visitTime, meeting.meetingId);
  const put = (kind: LinkKind, slot: number, indexKey: Item): TransactWriteItem => ({
    Put: {
      TableName: tableName,
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
    ...(carried.idempotencyHash ? { idempotencyHash: carried.idempotencyHash } : {}),
    ...(carried.erasedAt ? { erasedAt: carried.erasedAt } : {}),
  };
  return [
    { Put: { TableName: tableName, Item: item, ...condition } },
    ...meeting.parties.map((p, slot) => put('PARTY', slot, { partyKey: partyKey(tenantId, p.partyId) })),
    ...meeting.agents.map((a, slot) => put('AGENT', slot, { agentKey: agentKey(tenantId, a.agentId) })),
    ...slotDeletes(
      tableName,
      tenantId,
      meeting.meetingId,
      'PARTY',
      meeting.parties.length,
      previous?.parties.length ?? 0,
    ),
    ...slotDeletes(
      tableName,
      tenantId,
      meeting.meetingId,
      'AGENT',
      meeting.agents.length,
      previous?.agents.length ?? 0,
    ),
  ];
}

export function slotDeletes(
  tableName: string,
  tenantId: string,
  meetingId: string,
  kind: LinkKind,
  from: number,
  to: number,
): TransactWriteItem[] {
  const deletes: TransactWriteItem[] = [];
  for (let slot = from; slot < to; slot++)
    deletes.push({ Delete: { TableName: tableName, Key: linkKey(tenantId, meetingId, kind, slot) } });
  return deletes;
}

/**
 * A deletion: the tombstone (conditioned) and a Delete of every link slot. A data subject's
 * erasure (`erased`) leaves a tombstone with only the id, the tenant and the time: no request hash,
 * so that the Idempotency-Key that created the meeting answers 422 and never creates a second one,
 * and no time to live, for the same reason.
 */
export function tombstoneWrites(
  tableName: string,
  tenantId: string,
  current: StoredMeeting,
  deletedAt: string,
  { erased = false }: { erased?: boolean } = {},
): TransactWriteItem[] {
  const { meetingId } = current.meeting;
  const keeps = erased
    ? { erased: true }
    : {
        [TIME_TO_LIVE_ATTRIBUTE]: Math.ceil((Date.parse(deletedAt) + DELETION_RETENTION_MS) / 1000),
        // A replay of the create that made it still answers with its id.
        ...(current.idempotencyHash ? { idempotencyHash: current.idempotencyHash } : {}),
        ...(current.erasedAt ? { erasedAt: current.erasedAt } : {}),
      };
  return [
    {
      // The tombstone keeps no meeting data: it leaves every search index and stays only in the
      // tenant's change order (the changes feed), until its time to live runs out.
      Put: {
        TableName: tableName,
        Item: {
          ...meetingKey(tenantId, meetingId),
          meetingId,
          deleted: true,
          deletedAt,
          version: current.version + 1,
          tenantKey: tenantKey(tenantId, shardOf(meetingId)),
          modifiedKey: modifiedKey(deletedAt, meetingId),
          modificationTime: deletedAt,
          ...keeps,
        },
        ...versionCondition(current.version),
      },
    },
    ...slotDeletes(tableName, tenantId, meetingId, 'PARTY', 0, current.meeting.parties.length),
    ...slotDeletes(tableName, tenantId, meetingId, 'AGENT', 0, current.meeting.agents.length),
  ];
}

/**
 * The history entry of a write, in the meeting's partition. Never overwrites: the meeting's own
 * version condition already makes each version's entry unique, and this says so at the item.
 */
export function historyWrite(
  tableName: string,
  tenantId: string,
  meetingId: string,
  entry: HistoryEntry,
): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: historyItem(tenantId, meetingId, entry),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A history entry's item: in the meeting's partition, ended by its time to live 24 months on. */
export const historyItem = (tenantId: string, meetingId: string, entry: HistoryEntry): Item => ({
  ...historyKey(tenantId, meetingId, entry.version),
  entry,
  [TIME_TO_LIVE_ATTRIBUTE]: Math.ceil(historyExpiry(entry.time).getTime() / 1000),
});

/**
 * What toRecord reads of a meeting item: a read by id asks for these alone, not the item's search
 * entry and index keys, which are as large again.
 */
export const RECORD_PROJECTION = 'meetingId, version, meeting, deleted, deletedAt, erased, erasedAt, idempotencyHash';

/** A meeting item as the domain knows it (also how a stream image of one is read). */
export function toRecord(item: Item): MeetingRecord {
  const hash = {
    ...(typeof item.idempotencyHash === 'string' ? { idempotencyHash: item.idempotencyHash } : {}),
    ...(typeof item.erasedAt === 'string' ? { erasedAt: item.erasedAt } : {}),
  };
  if (item.deleted === true)
    return {
      deleted: true,
      meetingId: item.meetingId as string,
      version: item.version as number,
      deletionTime: item.deletedAt as string,
      ...hash,
      ...(item.erased === true ? { erased: true as const } : {}),
    };
  return { meeting: canonicalMeeting(item.meeting as Meeting), version: item.version as number, ...hash };
}

/** An index entry; searchText stays undefined for a link item's entry (filled in when a search needs it). */
export function toEntry(item: Item): SearchEntry {
  return Object.fromEntries(SEARCH_ENTRY_ATTRIBUTES.map((name) => [name, item[name]])) as unknown as SearchEntry;
}
