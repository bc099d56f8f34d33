import { toInstant } from '../domain/meeting.js';
import {
  DEFAULT_SORT,
  foldSearchTerms,
  MAX_SEARCH_DEPTH,
  type SearchCriteria,
  type SortField,
  type SortKey,
} from '../domain/search.js';
import { isStorableInstant } from '../domain/storable-values.js';
import { searchParameters } from '../generated/contract.js';
import { validate as validateSearchQuery } from '../generated/validators/SearchQuery.cjs';
import { badRequestParameters, type ErrorItem } from './api-error.js';
import { defaultOf, readQuery, type QueryEvent } from './query-parameters.js';

/** The query string of GET /meetings as validated, normalized search criteria. */
export function parseSearchCriteria(event: QueryEvent): SearchCriteria {
  const { raw, errors, valid } = readQuery(event, searchParameters, validateSearchQuery);
  const sort = parseSort(raw.sort as string[] | undefined, errors);
  const startIndex = (raw.startIndex as number | undefined) ?? (defaultOf(searchParameters, 'startIndex') as number);
  const size = (raw.size as number | undefined) ?? (defaultOf(searchParameters, 'size') as number);
  const terms = raw.freeTextSearch === undefined ? undefined : foldSearchTerms(raw.freeTextSearch as string);
  if (valid) {
    for (const name of ['visitTimeBefore', 'visitTimeAfter', 'modifiedAfter'] as const) {
      if (raw[name] !== undefined && !isStorableInstant(raw[name] as string)) {
        errors.push({
          target: name,
          errorCode: 'INVALID_TYPE',
          message: `${name} must be an instant in the years 0000-9999 (UTC)`,
        });
      }
    }
    if (raw.freeTextSearch !== undefined && terms === undefined) {
      errors.push({
        target: 'freeTextSearch',
        errorCode: 'INVALID_TYPE',
        message: 'freeTextSearch has a term with no letters, digits or symbols left after folding',
      });
    }
    if (startIndex + size > MAX_SEARCH_DEPTH) {
      errors.push({
        target: 'startIndex',
        errorCode: 'INVALID_TYPE',
        message: `startIndex + size must be at most ${MAX_SEARCH_DEPTH}: narrow the search with filters, or read every meeting with GET /meetings/changes`,
      });
    }
  }
  if (errors.length) throw badRequestParameters(errors);

  const lower = (ids: unknown) => (ids as string[] | undefined)?.map((id) => id.toLowerCase());
  const instant = (value: unknown) => (value === undefined ? undefined : toInstant(value as string));
  return {
    sourceTypeCode: raw.sourceTypeCode as SearchCriteria['sourceTypeCode'],
    statusCode: raw.statusCode as SearchCriteria['statusCode'],
    typeCode: raw.typeCode as SearchCriteria['typeCode'],
    agencyOfficeId: lower(raw.agencyOfficeId),
    partyId: lower(raw.partyId),
    agentId: lower(raw.agentId),
    freeTextTerms: terms,
    visitTimeBefore: instant(raw.visitTimeBefore),
    visitTimeAfter: instant(raw.visitTimeAfter),
    modifiedAfter: instant(raw.modifiedAfter),
    startIndex,
    size,
    sort,
  };
}

function parseSort(values: string[] | undefined, errors: ErrorItem[]): readonly SortKey[] {
  if (!values) return DEFAULT_SORT;
  const keys = values.map((value) => {
    const [field, direction] = value.split('|') as [SortField, 'asc' | 'desc'];
    return { field, direction };
  });
  const fields = keys.map((k) => k.field);
  if (new Set(fields).size !== fields.length) {
    errors.push({ target: 'sort', errorCode: 'INVALID_TYPE', message: 'Each sort field may be given at most once' });
  }
  return keys;
}
