/**
 * The query planner of search: from the criteria, which index to read and which key ranges.
 * Pure (no SDK), so that its choices are unit-tested. Every index entry carries the search entry
 * attributes, so whatever filters the plan does not apply in the key condition are applied after.
 */
import type { SearchCriteria } from '../domain/search.js';
import { ALLOWED_TRANSITIONS } from '../domain/status-rules.js';
import { afterInstant, agentKey, beforeInstant, officeKey, partyKey, SHARDS, statusKey, tenantKey } from './keys.js';
import { INDEXES, type IndexName } from './table-definition.js';

export interface KeyRangeQuery {
  indexName: IndexName;
  partitionKey: string;
  /** The filter value this query reads (party, agent, office), for a per-value query. */
  value?: string;
  /** Exclusive bounds on the index sort key. */
  after?: string;
  before?: string;
}

export interface SearchPlan {
  /** The filter whose index drives the search ('tenant' when none narrows it). */
  drivenBy: 'partyId' | 'agentId' | 'agencyOfficeId' | 'statusCode' | 'visitTime' | 'modifiedAfter' | 'tenant';
  /**
   * One query per value of the driving filter (values are OR-ed) and, on a tenant-wide index, per
   * shard; run in parallel. Empty when nothing can match.
   */
  queries: KeyRangeQuery[];
  /**
   * Set when a meeting can come up in more than one query (a meeting with two of the parties asked
   * for): each meeting is then taken only from the query of the first value asked for that its
   * entry lists, with no memory of what was seen.
   */
  repeatsOn?: { field: 'partyIds' | 'agentIds'; values: string[] };
}

/** Every status there is: asking for all of them filters nothing. */
const STATUS_COUNT = Object.keys(ALLOWED_TRANSITIONS).length;

/**
 * The cheapest driving index from what the criteria say: a party has a handful of meetings, an
 * agent more, an office more still; then the statuses asked for (when they leave some out), in
 * the visitTime window if one is given; then the window alone; then modifiedAfter; then the whole
 * tenant. Whatever the index does not apply is filtered after.
 */
export function planSearch(tenantId: string, c: SearchCriteria): SearchPlan {
  const visitRange = {
    after: c.visitTimeAfter && afterInstant(c.visitTimeAfter),
    before: c.visitTimeBefore && beforeInstant(c.visitTimeBefore),
  };
  const hasWindow = c.visitTimeAfter !== undefined || c.visitTimeBefore !== undefined;
  if (c.visitTimeAfter !== undefined && c.visitTimeBefore !== undefined && c.visitTimeAfter >= c.visitTimeBefore) {
    return { drivenBy: 'visitTime', queries: [] };
  }
  const perValue = (indexName: IndexName, values: string[], key: (value: string) => string): KeyRangeQuery[] =>
    [...new Set(values)].map((value) => ({ indexName, partitionKey: key(value), value, ...visitRange }));
  const repeatsOn = (field: 'partyIds' | 'agentIds', values: string[]) =>
    new Set(values).size > 1 ? { repeatsOn: { field, values: [...new Set(values)] } } : {};
  const perShard = (
    indexName: IndexName,
    key: (shard: number) => string,
    range: Omit<KeyRangeQuery, 'indexName' | 'partitionKey'>,
  ) => SHARDS.map((shard) => ({ indexName, partitionKey: key(shard), ...range }));

  if (c.partyId) {
    const queries = perValue('byPartyVisitTime', c.partyId, (id) => partyKey(tenantId, id));
    return { drivenBy: 'partyId', queries, ...repeatsOn('partyIds', c.partyId) };
  }
  if (c.agentId) {
    const queries = perValue('byAgentVisitTime', c.agentId, (id) => agentKey(tenantId, id));
    return { drivenBy: 'agentId', queries, ...repeatsOn('agentIds', c.agentId) };
  }
  if (c.agencyOfficeId) {
    // A meeting has one office: it comes up in one query at most.
    const queries = perValue('byOfficeVisitTime', c.agencyOfficeId, (id) => officeKey(tenantId, id));
    return { drivenBy: 'agencyOfficeId', queries };
  }
  const statuses = [...new Set(c.statusCode ?? [])];
  if (statuses.length > 0 && statuses.length < STATUS_COUNT) {
    // A meeting has one status: it comes up in one query at most.
    const queries = statuses.flatMap((status) =>
      perShard('byTenantStatusVisitTime', (shard) => statusKey(tenantId, status, shard), visitRange),
    );
    return { drivenBy: 'statusCode', queries };
  }
  if (hasWindow || c.modifiedAfter === undefined) {
    return {
      drivenBy: hasWindow ? 'visitTime' : 'tenant',
      queries: perShard('byTenantVisitTime', (shard) => tenantKey(tenantId, shard), visitRange),
    };
  }
  return {
    drivenBy: 'modifiedAfter',
    queries: perShard('byTenantModificationTime', (shard) => tenantKey(tenantId, shard), {
      after: afterInstant(c.modifiedAfter),
    }),
  };
}

/** The key condition of one planned query. */
export function keyCondition(query: KeyRangeQuery): { expression: string; values: Record<string, string> } {
  const index = INDEXES[query.indexName];
  const values: Record<string, string> = { ':pk': query.partitionKey };
  let range = '';
  if (query.after !== undefined && query.before !== undefined) {
    range = ` AND ${index.sortKey} BETWEEN :after AND :before`;
    Object.assign(values, { ':after': query.after, ':before': query.before });
  } else if (query.after !== undefined) {
    range = ` AND ${index.sortKey} > :after`;
    values[':after'] = query.after;
  } else if (query.before !== undefined) {
    range = ` AND ${index.sortKey} < :before`;
    values[':before'] = query.before;
  }
  return { expression: `${index.partitionKey} = :pk${range}`, values };
}
