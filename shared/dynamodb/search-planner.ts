/**
 * The query planner of search: from the criteria, which index to read and which key ranges.
 * Pure (no SDK), so that its choices are unit-tested. Every index entry carries the search entry
 * attributes, so whatever filters the plan does not apply in the key condition are applied after.
 */
import type { SearchCriteria } from '../domain/search.js';
import { afterInstant, agentKey, beforeInstant, officeKey, partyKey, tenantKey } from './keys.js';
import { INDEXES, type IndexName } from './table-definition.js';

export interface KeyRangeQuery {
  indexName: IndexName;
  partitionKey: string;
  /** Exclusive bounds on the index sort key. */
  after?: string;
  before?: string;
}

export interface SearchPlan {
  /** The filter whose index drives the search ('tenant' when none narrows it). */
  drivenBy: 'partyId' | 'agentId' | 'agencyOfficeId' | 'visitTime' | 'modifiedAfter' | 'tenant';
  /** One query per value of the driving filter (values are OR-ed); empty when nothing can match. */
  queries: KeyRangeQuery[];
}

/** Most selective first: a party has a handful of meetings, an agent more, an office more still. */
export function planSearch(tenantId: string, c: SearchCriteria): SearchPlan {
  const visitRange = {
    after: c.visitTimeAfter && afterInstant(c.visitTimeAfter),
    before: c.visitTimeBefore && beforeInstant(c.visitTimeBefore),
  };
  if (c.visitTimeAfter !== undefined && c.visitTimeBefore !== undefined && c.visitTimeAfter >= c.visitTimeBefore) {
    return { drivenBy: 'visitTime', queries: [] };
  }
  const perValue = (indexName: IndexName, values: string[], key: (value: string) => string): KeyRangeQuery[] =>
    [...new Set(values)].map((value) => ({ indexName, partitionKey: key(value), ...visitRange }));

  if (c.partyId)
    return { drivenBy: 'partyId', queries: perValue('byPartyVisitTime', c.partyId, (id) => partyKey(tenantId, id)) };
  if (c.agentId)
    return { drivenBy: 'agentId', queries: perValue('byAgentVisitTime', c.agentId, (id) => agentKey(tenantId, id)) };
  if (c.agencyOfficeId) {
    return {
      drivenBy: 'agencyOfficeId',
      queries: perValue('byOfficeVisitTime', c.agencyOfficeId, (id) => officeKey(tenantId, id)),
    };
  }
  if (c.visitTimeAfter !== undefined || c.visitTimeBefore !== undefined || c.modifiedAfter === undefined) {
    return {
      drivenBy: c.visitTimeAfter !== undefined || c.visitTimeBefore !== undefined ? 'visitTime' : 'tenant',
      queries: [{ indexName: 'byTenantVisitTime', partitionKey: tenantKey(tenantId), ...visitRange }],
    };
  }
  return {
    drivenBy: 'modifiedAfter',
    queries: [
      {
        indexName: 'byTenantModificationTime',
        partitionKey: tenantKey(tenantId),
        after: afterInstant(c.modifiedAfter),
      },
    ],
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
