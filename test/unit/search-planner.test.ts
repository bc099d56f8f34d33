import { describe, expect, it } from 'vitest';
import { DEFAULT_SORT, type SearchCriteria } from '../../shared/domain/search.js';
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
  it('drives by party, then agent, then office, then the visitTime window, then modifiedAfter, then the tenant', () => {
    const all = { partyId: ['p'], agentId: ['a'], agencyOfficeId: ['o'], visitTimeAfter: T1, modifiedAfter: T1 };
    expect(planSearch('t', c(all)).drivenBy).toBe('partyId');
    expect(planSearch('t', c({ ...all, partyId: undefined })).drivenBy).toBe('agentId');
    expect(planSearch('t', c({ ...all, partyId: undefined, agentId: undefined })).drivenBy).toBe('agencyOfficeId');
    expect(planSearch('t', c({ visitTimeAfter: T1, modifiedAfter: T1 })).drivenBy).toBe('visitTime');
    expect(planSearch('t', c({ modifiedAfter: T1 })).queries).toEqual([
      { indexName: 'byTenantModificationTime', partitionKey: 'TENANT#t', after: `${T1}#~` },
    ]);
    expect(planSearch('t', c({ statusCode: ['WON'] })).queries).toEqual([
      { indexName: 'byTenantVisitTime', partitionKey: 'TENANT#t' },
    ]);
  });

  it('queries each distinct value of the driving filter with the visitTime window on the sort key', () => {
    const plan = planSearch('t', c({ agentId: ['a1', 'a2', 'a1'], visitTimeAfter: T1, visitTimeBefore: T2 }));
    expect(plan.queries).toEqual([
      { indexName: 'byAgentVisitTime', partitionKey: 'TENANT#t#AGENT#a1', after: `${T1}#~`, before: `${T2}#` },
      { indexName: 'byAgentVisitTime', partitionKey: 'TENANT#t#AGENT#a2', after: `${T1}#~`, before: `${T2}#` },
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
