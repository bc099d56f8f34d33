/**
 * Party traces (keys.ts): written ahead of the write that takes a party out of a meeting (an update
 * without it, or the delete), kept longer than any history entry that names the party (24 months
 * and a day after that write), read and removed by a data subject's erasure. While the meeting
 * lists the party its party link item finds it. Ahead rather than inside the transaction: the
 * largest meeting's has no room for 50 more items, and a trace without its write only makes an
 * erasure look at a meeting that does not name the party.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { historyExpiry } from '../domain/meeting-history.js';
import { batchWrite, putRequest } from './batch-writes.js';
import { partyKey, partyTraceKey, partyTracesPartition } from './keys.js';
import { TIME_TO_LIVE_ATTRIBUTE, type IndexName } from './table-definition.js';
import type { TableReader } from './table-reader.js';

const DAY_SECONDS = 86_400;

export async function writePartyTraces(
  reader: TableReader,
  tenantId: string,
  meetingId: string,
  partyIds: readonly string[],
  writtenAt: string,
): Promise<void> {
  const expiresAt = Math.ceil(historyExpiry(writtenAt).getTime() / 1000) + DAY_SECONDS;
  await batchWrite(
    reader,
    partyIds.map((partyId) =>
      putRequest({ ...partyTraceKey(tenantId, partyId, meetingId), meetingId, [TIME_TO_LIVE_ATTRIBUTE]: expiresAt }),
    ),
  );
}

/** The ids of every meeting traced for the party. */
export async function readPartyTraces(reader: TableReader, tenantId: string, partyId: string): Promise<string[]> {
  const meetingIds: string[] = [];
  for await (const items of reader.queryPages({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': partyTracesPartition(tenantId, partyId) },
    ProjectionExpression: 'meetingId',
    ConsistentRead: true,
  }))
    for (const item of items) meetingIds.push(item.meetingId as string);
  return meetingIds;
}

export async function deletePartyTrace(
  reader: TableReader,
  tenantId: string,
  partyId: string,
  meetingId: string,
): Promise<void> {
  await reader.call((client) =>
    client.send(new DeleteCommand({ TableName: reader.tableName, Key: partyTraceKey(tenantId, partyId, meetingId) })),
  );
}

/**
 * Every meeting that names the party now (the party index) or did (its traces): the meetings a
 * data subject's erasure must look at. Ids in order, each once.
 */
export async function meetingsNamingParty(reader: TableReader, tenantId: string, partyId: string): Promise<string[]> {
  // Meetings written before traces existed are found through their party link items.
  const indexed = async () => {
    const meetingIds: string[] = [];
    for await (const items of reader.queryPages({
      IndexName: 'byPartyVisitTime' satisfies IndexName,
      KeyConditionExpression: 'partyKey = :party',
      ExpressionAttributeValues: { ':party': partyKey(tenantId, partyId) },
      ProjectionExpression: 'meetingId',
    }))
      for (const item of items) meetingIds.push(item.meetingId as string);
    return meetingIds;
  };
  const [traced, linked] = await Promise.all([readPartyTraces(reader, tenantId, partyId), indexed()]);
  return [...new Set([...traced, ...linked])].sort();
}
