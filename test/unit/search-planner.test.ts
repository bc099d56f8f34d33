import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SORT, type SearchCriteria } from '../../shared/domain/search.js';
import { SHARDS, shardOf } from '../../shared/dynamodb/keys.js';
import { keyCondition, planSearch } from '../../shared/dynamodb/search-planner.js';

const c = (overrides: Partial<SearchCriteria>): SearchCriteria => ({
  startIndex: 0,
  size: 50,
  sort: DEFAULT_SORT,
  ...overrides,
});
const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-02-01T00:00:00.000Z';

describe('search planner', () => {
  const shards = (indexName: string, key: (shard: number) => string, range: object = {}) =>
    SHARDS.map((shard) => ({ indexName, partitionKey: key(shard), ...range }));

  it('drives by party, then agent, then office, then status, then the visitTime window, then modifiedAfter, then the tenant', () => {
    const all = {
      partyId: ['p'],
      agentId: ['a'],
      agencyOfficeId: ['o'],
      statusCode: ['WON' as const],
      visitTimeAfter: T1,
      modifiedAfter: T1,
    };
    expect(planSearch('t', c(all)).drivenBy).toBe('partyId');
    expect(planSearch('t', c({ ...all, partyId: undefined })).drivenBy).toBe('agentId');
    expect(planSearch('t', c({ ...all, partyId: undefined, agentId: undefined })).drivenBy).toBe('agencyOfficeId');
    expect(planSearch('t', c({ statusCode: ['WON'], visitTimeAfter: T1, modifiedAfter: T1 })).drivenBy).toBe(
      'statusCode',
    );
    expect(planSearch('t', c({ visitTimeAfter: T1, modifiedAfter: T1 })).drivenBy).toBe('visitTime');
    expect(planSearch('t', c({ modifiedAfter: T1 })).queries).toEqual(
      shards('byTenantModificationTime', (s) => `TENANT#t#SHARD#${s}`, { after: `${T1}#~` }),
    );
    expect(planSearch('t', c({})).queries).toEqual(shards('byTenantVisitTime', (s) => `TENANT#t#SHARD#${s}`));
    expect(planSearch('t', c({})).drivenBy).toBe('tenant');
  });

  it('reads only the statuses asked for, every shard of each, in the visitTime window', () => {
    const plan = planSearch('t', c({ statusCode: ['WON', 'LOST', 'WON'], visitTimeBefore: T2 }));
    expect(plan).toEqual({
      drivenBy: 'statusCode',
      queries: [
        ...shards('byTenantStatusVisitTime', (s) => `TENANT#t#STATUS#WON#SHARD#${s}`, { before: `${T2}#` }),
        ...shards('byTenantStatusVisitTime', (s) => `TENANT#t#STATUS#LOST#SHARD#${s}`, { before: `${T2}#` }),
      ],
    });
    // Every status asked for is no status filter: the window (or the tenant) drives.
    expect(planSearch('t', c({ statusCode: ['WAITING', 'WON', 'LOST', 'CANCELLED'] })).drivenBy).toBe('tenant');
    expect(planSearch('t', c({ statusCode: ['CANCELLED'], modifiedAfter: T1 })).drivenBy).toBe('statusCode');
  });

  it('says when a meeting can come up twice: only for several parties or agents', () => {
    expect(planSearch('t', c({ partyId: ['p1', 'p2', 'p1'] })).repeatsOn).toEqual({
      field: 'partyIds',
      values: ['p1', 'p2'],
    });
    expect(planSearch('t', c({ partyId: ['p1', 'p1'] })).repeatsOn).toBeUndefined();
    expect(planSearch('t', c({ agentId: ['a1', 'a2'] })).repeatsOn).toEqual({
      field: 'agentIds',
      values: ['a1', 'a2'],
    });
    expect(planSearch('t', c({ agencyOfficeId: ['o1', 'o2'] })).repeatsOn).toBeUndefined();
    expect(planSearch('t', c({ statusCode: ['WON', 'LOST'] })).repeatsOn).toBeUndefined();
  });

  it('spreads meetings over every shard', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 8_000; i++) {
      const shard = shardOf(randomUUID());
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...SHARDS]);
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
  });

  it('queries each distinct value of the driving filter with the visitTime window on the sort key', () => {
    const plan = planSearch('t', c({ agentId: ['a1', 'a2', 'a1'], visitTimeAfter: T1, visitTimeBefore: T2 }));
    expect(plan.queries).toEqual([
      {
        indexName: 'byAgentVisitTime',
        partitionKey: 'TENANT#t#AGENT#a1',
        value: 'a1',
        after: `${T1}#~`,
        before: `${T2}#`,
      },
      {
        indexName: 'byAgentVisitTime',
        partitionKey: 'TENANT#t#AGENT#a2',
        value: 'a2',
        after: `${T1}#~`,
        before: `${T2}#`,
      },
    ]);
    expect(keyCondition(plan.queries[0]!)).toEqual({
      expression: 'agentKey = :pk AND visitKey BETWEEN :after AND :before',
      values: { ':pk': 'TENANT#t#AGENT#a1', ':after': `${T1}#~`, ':before': `${T2}#` },
    });
  });

  it('plans nothing for an empty window', () => {
    expect(planSearch('t', c({ partyId: ['p'], visitTimeAfter: T2, visitTimeBefore: T1 })).queries).toEqual([]);
    expect(planSearch('t', c({ visitTimeAfter: T1, visitTimeBefore: T1 })).queries).toEqual([]);
  });

  it('keeps every key inside the tenant', () => {
    const plan = planSearch('acme', c({ partyId: ['p'] }));
    expect(plan.queries.every((q) => q.partitionKey.startsWith('TENANT#acme#'))).toBe(true);
  });
});
