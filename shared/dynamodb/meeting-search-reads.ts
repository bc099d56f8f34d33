/**
 * Search's reads: the planned index queries (shared/dynamodb/search-planner.ts) run in parallel,
 * each entry handed to the caller once, with the search text read where a link item lacks it.
 */
import { forEachConcurrently } from '../concurrency.js';
import { matches, type SearchCriteria, type SearchEntry } from '../domain/search.js';
import { toEntry } from './meeting-items.js';
import { keyCondition, planSearch } from './search-planner.js';
import { SEARCH_ENTRY_ATTRIBUTES } from './table-definition.js';
import { QUERY_CONCURRENCY, type TableReader } from './table-reader.js';

export async function visitSearchEntries(
  reader: TableReader,
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
    const pages = reader.queryPages({
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
      if (criteria.freeTextTerms) await addSearchTexts(reader, tenantId, entries, criteria);
      for (const entry of entries) visit(entry);
    }
  });
}

/**
 * Link items carry no search text (LINK_ENTRY_ATTRIBUTES): a free-text search driven by a party
 * or agent index reads the text of its candidates, those that pass every other filter, from
 * their meeting items.
 */
async function addSearchTexts(
  reader: TableReader,
  tenantId: string,
  entries: SearchEntry[],
  criteria: SearchCriteria,
): Promise<void> {
  const otherFilters = { ...criteria, freeTextTerms: undefined };
  const wanted = [
    ...new Set(entries.filter((e) => e.searchText === undefined && matches(e, otherFilters)).map((e) => e.meetingId)),
  ];
  if (wanted.length === 0) return;
  const texts = new Map<string, string>();
  await reader.batchGet(tenantId, wanted, { projection: 'meetingId, searchText', consistent: false }, (item) => {
    if (typeof item.searchText === 'string') texts.set(item.meetingId as string, item.searchText);
  });
  // A meeting deleted since its index entry was read has no text: it matches no term.
  for (const entry of entries) if (entry.searchText === undefined) entry.searchText = texts.get(entry.meetingId) ?? '';
}
