/**
 * Copying the meetings table of one stack into another's (npm run -s copy-meetings): every item as
 * it is (meetings, their index entries, tombstones, history, party traces, calendar feeds), each a
 * conditional Put that never overwrites, so that running it again copies only what is missing.
 * Tenant ids are rewritten where the map says, in every key that names a tenant and in the items'
 * tenantId. Webhook subscriptions are not copied (see SKIPPED_PARTITION).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../../shared/auth/token-verifier.js';
import { forEachConcurrently } from '../../shared/concurrency.js';
import { MEETING_SK, SUBSCRIPTION_SORT_PREFIX } from '../../shared/dynamodb/keys.js';

type Item = Record<string, unknown>;

/**
 * A tenant's webhook subscriptions (and their count) stay behind: the copied meetings pass through the new table's
 * stream like any write, and subscriptions as old as the meetings would get every one of them
 * again as a new event. Partners subscribe again on the new stack (its URL is new anyway).
 */
const SKIPPED_PARTITION = /^TENANT#[^#]+#SUBSCRIPTIONS$/;
const TENANT_PREFIX = /^TENANT#([^#]+)#/;
/** Scan segments read at once, and Puts in flight per segment. */
const SEGMENTS = 4;
const PUTS_IN_FLIGHT = 8;

export type ItemKind = 'meetings' | 'tombstones' | 'indexEntries' | 'historyEntries' | 'other';

export interface CopyCounts {
  scanned: number;
  byKind: Record<ItemKind, number>;
  copied: number;
  alreadyThere: number;
  /** Webhook subscriptions, not copied. */
  skipped: number;
  /** Items whose tenant the map rewrote. */
  mapped: number;
}

/** A tenant map from its JSON text: { "old tenant": "new tenant", ... }, one new tenant for each old one. */
export function parseTenantMap(text: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the tenant map is not JSON: give an object of old tenant id to new tenant id');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('the tenant map must be a JSON object of old tenant id to new tenant id');
  const map = new Map<string, string>();
  const targets = new Set<string>();
  for (const [from, to] of Object.entries(value)) {
    if (typeof to !== 'string' || !TENANT_ID_PATTERN.test(from) || !TENANT_ID_PATTERN.test(to))
      throw new Error(`the tenant map's "${from}" is not a tenant id mapped to a tenant id`);
    // Two tenants into one would collide on their per-tenant items (the calendar feed counts).
    if (targets.has(to)) throw new Error(`the tenant map sends two tenants to "${to}"`);
    targets.add(to);
    map.set(from, to);
  }
  return map;
}

function kindOf(item: Item): ItemKind {
  const sk = String(item.sk);
  if (sk === MEETING_SK) return item.deleted === true ? 'tombstones' : 'meetings';
  if (sk.startsWith('LINK#')) return 'indexEntries';
  if (sk.startsWith('HISTORY#')) return 'historyEntries';
  return 'other';
}

/** The item under its new tenant: every top-level string that starts with a mapped tenant's key prefix, and tenantId. */
function withTenantMapped(item: Item, tenantMap: ReadonlyMap<string, string>): { item: Item; mapped: boolean } {
  if (tenantMap.size === 0) return { item, mapped: false };
  let mapped = false;
  const copy: Item = {};
  for (const [name, value] of Object.entries(item)) {
    let next = value;
    if (typeof value === 'string') {
      const tenant = TENANT_PREFIX.exec(value)?.[1];
      const to = tenant === undefined ? undefined : tenantMap.get(tenant);
      if (to !== undefined) next = `TENANT#${to}#${value.slice(`TENANT#${tenant}#`.length)}`;
      else if (name === 'tenantId' && tenantMap.has(value)) next = tenantMap.get(value);
    }
    if (next !== value) mapped = true;
    copy[name] = next;
  }
  return { item: copy, mapped };
}

export interface CopyOptions {
  client: DynamoDBDocumentClient;
  fromTable: string;
  toTable: string;
  tenantMap: ReadonlyMap<string, string>;
  /** Count what would be copied; write nothing. */
  dryRun: boolean;
  onProgress?: (counts: CopyCounts) => void;
}

export async function copyMeetingsTable(options: CopyOptions): Promise<CopyCounts> {
  const { client, fromTable, toTable, tenantMap, dryRun } = options;
  const counts: CopyCounts = {
    scanned: 0,
    byKind: { meetings: 0, tombstones: 0, indexEntries: 0, historyEntries: 0, other: 0 },
    copied: 0,
    alreadyThere: 0,
    skipped: 0,
    mapped: 0,
  };
  const copyItem = async (original: Item) => {
    counts.scanned++;
    if (SKIPPED_PARTITION.test(String(original.pk))) {
      if (String(original.sk).startsWith(SUBSCRIPTION_SORT_PREFIX)) counts.skipped++;
      return;
    }
    counts.byKind[kindOf(original)]++;
    const { item, mapped } = withTenantMapped(original, tenantMap);
    if (mapped) counts.mapped++;
    if (dryRun) return;
    try {
      await client.send(
        new PutCommand({ TableName: toTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      counts.copied++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      counts.alreadyThere++;
    }
  };
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let startKey: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: fromTable,
            Segment: segment,
            TotalSegments: SEGMENTS,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        await forEachConcurrently(page.Items ?? [], PUTS_IN_FLIGHT, copyItem);
        options.onProgress?.(counts);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }),
  );
  return counts;
}

export const countsText = (counts: CopyCounts, dryRun: boolean) => {
  const { byKind } = counts;
  const scanned =
    `scanned ${counts.scanned}: meetings ${byKind.meetings}, tombstones ${byKind.tombstones}, ` +
    `index entries ${byKind.indexEntries}, history entries ${byKind.historyEntries}, other ${byKind.other}, ` +
    `webhook subscriptions ${counts.skipped} (not copied)`;
  const written = dryRun
    ? `dry run: nothing written; ${counts.scanned - counts.skipped} would be copied where missing`
    : `copied ${counts.copied}, already there ${counts.alreadyThere}`;
  return `${scanned}\n${written}; tenant rewritten in ${counts.mapped}\n`;
};
