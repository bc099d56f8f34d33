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

/** What sorting needs of an entry. */
export type SortedEntry = Pick<SearchEntry, 'meetingId' | 'visitTime' | 'modificationTime'>;

/** The sort keys in order, then meetingId ascending, so that paging is stable. */
export function compareEntries(sort: readonly SortKey[]): (a: SortedEntry, b: SortedEntry) => number {
  return (a, b) => {
    for (const { field, direction } of sort) {
      if (a[field] !== b[field]) return (a[field] < b[field] ? -1 : 1) * (direction === 'asc' ? 1 : -1);
    }
    return a.meetingId < b.meetingId ? -1 : a.meetingId > b.meetingId ? 1 : 0;
  };
}

/** The deepest page a search may ask for: startIndex + size at most this (the contract's bound). */
export const MAX_SEARCH_DEPTH = 10_000;

/**
 * The page of a search and the number of all matches, in one pass over the candidates: it keeps only
 * the best startIndex + size matches (a max-heap whose top is the worst kept), so its memory is
 * bounded by the page depth (at most MAX_SEARCH_DEPTH entries), never by the number of matches.
 * Each meeting must be offered once.
 */
export class PageSelector {
  /** Only what ordering needs: entries can carry long texts and id lists, the kept ones never do. */
  private readonly kept: SortedEntry[] = [];
  /** The ids kept, so that a meeting an index lists twice (briefly, during a write) is kept once. */
  private readonly keptIds = new Set<string>();
  private readonly compare: (a: SortedEntry, b: SortedEntry) => number;
  private readonly depth: number;
  totalCount = 0;

  constructor(private readonly criteria: SearchCriteria) {
    this.compare = compareEntries(criteria.sort);
    this.depth = criteria.startIndex + criteria.size;
  }

  offer(entry: SearchEntry): void {
    if (!matches(entry, this.criteria) || this.keptIds.has(entry.meetingId)) return;
    this.totalCount++;
    const slim: SortedEntry = {
      meetingId: entry.meetingId,
      visitTime: entry.visitTime,
      modificationTime: entry.modificationTime,
    };
    const heap = this.kept;
    if (heap.length < this.depth) {
      heap.push(slim);
      this.keptIds.add(slim.meetingId);
      this.siftUp(heap.length - 1);
    } else if (this.compare(slim, heap[0]!) < 0) {
      this.keptIds.delete(heap[0]!.meetingId);
      heap[0] = slim;
      this.keptIds.add(slim.meetingId);
      this.siftDown(0);
    }
  }

  /** The ids of the requested page, in order, and the number of all matches offered. */
  page(): { pageIds: string[]; totalCount: number } {
    const sorted = [...this.kept].sort(this.compare);
    return {
      pageIds: sorted.slice(this.criteria.startIndex, this.depth).map((entry) => entry.meetingId),
      totalCount: this.totalCount,
    };
  }

  /** Max-heap by the search order: a parent sorts after (or with) its children. */
  private siftUp(index: number): void {
    const heap = this.kept;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(heap[index]!, heap[parent]!) <= 0) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.kept;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let largest = index;
      if (left < heap.length && this.compare(heap[left]!, heap[largest]!) > 0) largest = left;
      if (right < heap.length && this.compare(heap[right]!, heap[largest]!) > 0) largest = right;
      if (largest === index) return;
      [heap[index], heap[largest]] = [heap[largest]!, heap[index]!];
      index = largest;
    }
  }
}

/** Filters, sorts, counts and slices a list of candidates (a meeting listed twice counts once). */
export function selectPage(
  candidates: Iterable<SearchEntry>,
  criteria: SearchCriteria,
): { pageIds: string[]; totalCount: number } {
  const selector = new PageSelector(criteria);
  const seen = new Set<string>();
  for (const entry of candidates) {
    if (seen.has(entry.meetingId)) continue;
    seen.add(entry.meetingId);
    selector.offer(entry);
  }
  return selector.page();
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
