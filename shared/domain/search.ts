import type { Meeting, MeetingTypeCode, SourceTypeCode, StatusCode } from './meeting.js';
import { foldText } from './meeting.js';

export type SortField = 'visitTime' | 'modificationTime';
export interface SortKey {
  field: SortField;
  direction: 'asc' | 'desc';
}

export const DEFAULT_SORT: readonly SortKey[] = [{ field: 'visitTime', direction: 'asc' }];

/** A validated, normalized search (ids lowercase, instants canonical). */
export interface SearchCriteria {
  sourceTypeCode?: SourceTypeCode[];
  statusCode?: StatusCode[];
  agencyOfficeId?: string[];
  partyId?: string[];
  agentId?: string[];
  typeCode?: MeetingTypeCode[];
  freeTextTerms?: string[];
  visitTimeBefore?: string;
  visitTimeAfter?: string;
  modifiedAfter?: string;
  startIndex: number;
  size: number;
  sort: readonly SortKey[];
}

/** What search needs to know of a meeting to filter, sort and count it without reading it whole. */
export interface SearchEntry {
  meetingId: string;
  statusCode: StatusCode;
  typeCode: MeetingTypeCode;
  sourceTypeCode: SourceTypeCode;
  agencyOfficeId: string;
  visitTime: string;
  modificationTime: string;
  /** Folded distinct words; absent on a link item's entry until a free-text search reads it. */
  searchText?: string;
  partyIds: string[];
  agentIds: string[];
}

/**
 * The folded terms of a freeTextSearch value, or undefined when a term folds to nothing (only
 * combining marks, say): such a term would match every meeting.
 */
export function foldSearchTerms(text: string): string[] | undefined {
  const folded = text.split(/\s+/u).filter(Boolean).map(foldText);
  if (folded.some((term) => term.trim() === '')) return undefined;
  // Folding may turn a character into a space (a no-break space): that splits a term in two.
  return folded.flatMap((term) => term.split(/\s+/u)).filter(Boolean);
}

const oneOf = <T>(allowed: readonly T[] | undefined, value: T): boolean => !allowed || allowed.includes(value);
const anyOf = (allowed: readonly string[] | undefined, values: readonly string[]): boolean =>
  !allowed || values.some((value) => allowed.includes(value));

/** Values within one filter are OR-ed; different filters are AND-ed. Bounds are exclusive. */
export function matches(entry: SearchEntry, c: SearchCriteria): boolean {
  return (
    oneOf(c.sourceTypeCode, entry.sourceTypeCode) &&
    oneOf(c.statusCode, entry.statusCode) &&
    oneOf(c.typeCode, entry.typeCode) &&
    oneOf(c.agencyOfficeId, entry.agencyOfficeId) &&
    anyOf(c.partyId, entry.partyIds) &&
    anyOf(c.agentId, entry.agentIds) &&
    (c.visitTimeBefore === undefined || entry.visitTime < c.visitTimeBefore) &&
    (c.visitTimeAfter === undefined || entry.visitTime > c.visitTimeAfter) &&
    (c.modifiedAfter === undefined || entry.modificationTime > c.modifiedAfter) &&
    (c.freeTextTerms ?? []).every((term) => (entry.searchText ?? '').includes(term))
  );
}

/** The sort keys in order, then meetingId ascending, so that paging is stable. */
export function compareEntries(sort: readonly SortKey[]): (a: SearchEntry, b: SearchEntry) => number {
  return (a, b) => {
    for (const { field, direction } of sort) {
      if (a[field] !== b[field]) return (a[field] < b[field] ? -1 : 1) * (direction === 'asc' ? 1 : -1);
    }
    return a.meetingId < b.meetingId ? -1 : a.meetingId > b.meetingId ? 1 : 0;
  };
}

/** Filters, sorts, counts and slices: the ids of the requested page and the number of all matches. */
export function selectPage(
  candidates: Iterable<SearchEntry>,
  criteria: SearchCriteria,
): { pageIds: string[]; totalCount: number } {
  const unique = new Map<string, SearchEntry>();
  for (const entry of candidates) if (matches(entry, criteria)) unique.set(entry.meetingId, entry);
  const sorted = [...unique.values()].sort(compareEntries(criteria.sort));
  return {
    pageIds: sorted.slice(criteria.startIndex, criteria.startIndex + criteria.size).map((e) => e.meetingId),
    totalCount: sorted.length,
  };
}

export const toSearchEntry = (meeting: Meeting, searchText: string): SearchEntry => ({
  meetingId: meeting.meetingId,
  statusCode: meeting.statusCode,
  typeCode: meeting.typeCode,
  sourceTypeCode: meeting.sourceTypeCode,
  agencyOfficeId: meeting.agencyOfficeId,
  visitTime: meeting.visitTime,
  modificationTime: meeting.modificationTime,
  searchText,
  partyIds: meeting.parties.map((p) => p.partyId),
  agentIds: meeting.agents.map((a) => a.agentId),
});
