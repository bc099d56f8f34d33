/**
 * A meeting's history entries: one strongly consistent Query of its partition's history range,
 * oldest first, reading one entry past the page to tell whether more follow.
 */
import { canonicalEntry, type HistoryEntry } from '../domain/meeting-history.js';
import { historyRange, meetingKey } from './keys.js';
import type { TableReader } from './table-reader.js';

export async function readHistory(
  reader: TableReader,
  tenantId: string,
  meetingId: string,
  range: { afterVersion?: number; limit: number },
): Promise<{ entries: HistoryEntry[]; more: boolean }> {
  const { from, to } = historyRange(range.afterVersion);
  const entries: HistoryEntry[] = [];
  const pages = reader.queryPages({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': meetingKey(tenantId, meetingId).pk, ':from': from, ':to': to },
    ProjectionExpression: 'entry',
    ConsistentRead: true,
    Limit: range.limit + 1,
  });
  // A page ends at DynamoDB's 1 MB as well: keep reading until one past the limit, or the end.
  for await (const items of pages) {
    for (const item of items) entries.push(canonicalEntry(item.entry as HistoryEntry));
    if (entries.length > range.limit) break;
  }
  return { entries: entries.slice(0, range.limit), more: entries.length > range.limit };
}

/** The version of the meeting's latest history entry (0 without one). */
export async function lastHistoryVersion(reader: TableReader, tenantId: string, meetingId: string): Promise<number> {
  const { from, to } = historyRange(undefined);
  for await (const items of reader.queryPages({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': meetingKey(tenantId, meetingId).pk, ':from': from, ':to': to },
    ProjectionExpression: 'entry.version',
    ScanIndexForward: false,
    ConsistentRead: true,
    Limit: 1,
  }))
    return (items[0]?.entry as { version: number } | undefined)?.version ?? 0;
  return 0;
}
