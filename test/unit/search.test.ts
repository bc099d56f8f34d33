import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, nextModificationTime, searchableText } from '../../shared/domain/meeting.js';
import {
  compareEntries,
  DEFAULT_SORT,
  matches,
  PageSelector,
  selectPage,
  foldSearchTerms,
  type SearchCriteria,
  type SearchEntry,
} from '../../shared/domain/search.js';
import { afterInstant, beforeInstant, visitKey } from '../../shared/dynamodb/keys.js';
import { meetingInput } from '../../support/fixtures.js';

const entry = (overrides: Partial<SearchEntry>): SearchEntry => ({
  meetingId: 'm0',
  statusCode: 'WAITING',
  typeCode: 'SALES_MEETING',
  sourceTypeCode: 'ETUOVI',
  agencyOfficeId: 'office-1',
  visitTime: '2026-06-01T10:00:00.000Z',
  modificationTime: '2026-01-01T00:00:00.000Z',
  searchText: '',
  partyIds: ['p1'],
  agentIds: ['a1'],
  ...overrides,
});
const criteria = (overrides: Partial<SearchCriteria> = {}): SearchCriteria => ({
  startIndex: 0,
  size: 50,
  sort: DEFAULT_SORT,
  ...overrides,
});

describe('filters', () => {
  it('ORs values within a filter and ANDs different filters', () => {
    const e = entry({ statusCode: 'WON', agentIds: ['a1', 'a2'] });
    expect(matches(e, criteria({ statusCode: ['LOST', 'WON'] }))).toBe(true);
    expect(matches(e, criteria({ statusCode: ['LOST'] }))).toBe(false);
    expect(matches(e, criteria({ statusCode: ['WON'], agentId: ['a9', 'a2'] }))).toBe(true);
    expect(matches(e, criteria({ statusCode: ['WON'], agentId: ['a9'] }))).toBe(false);
    expect(matches(e, criteria({ partyId: ['p1'], typeCode: ['EVALUATION_VISIT'] }))).toBe(false);
  });

  it('treats visitTimeBefore, visitTimeAfter and modifiedAfter as strict bounds', () => {
    const e = entry({});
    expect(matches(e, criteria({ visitTimeAfter: e.visitTime }))).toBe(false);
    expect(matches(e, criteria({ visitTimeBefore: e.visitTime }))).toBe(false);
    expect(
      matches(e, criteria({ visitTimeAfter: '2026-06-01T09:59:59.999Z', visitTimeBefore: '2026-06-01T10:00:00.001Z' })),
    ).toBe(true);
    expect(matches(e, criteria({ modifiedAfter: e.modificationTime }))).toBe(false);
    expect(matches(e, criteria({ modifiedAfter: '2025-12-31T23:59:59.999Z' }))).toBe(true);
  });

  it('matches every free-text term, case- and accent-insensitively, across fields', () => {
    const e = entry({ searchText: foldText('Hämeentie 5\nÅbo Köök') });
    expect(matches(e, criteria({ freeTextTerms: foldSearchTerms('HAMEENTIE  kook')! }))).toBe(true);
    expect(matches(e, criteria({ freeTextTerms: foldSearchTerms('abo')! }))).toBe(true);
    expect(matches(e, criteria({ freeTextTerms: foldSearchTerms('hameentie missing')! }))).toBe(false);
  });

  it('folds as the document says: case, accents and combining marks, ß and ẞ, ligatures, width, final sigma', () => {
    expect(foldText('Straße STRASSE ẞ')).toBe('strasse strasse ss');
    expect(foldText('ﬁnnish Ａｂｏ')).toBe('finnish abo');
    expect(foldText('Åbo Hämeentie cafe\u0301 İstanbul')).toBe('abo hameentie cafe istanbul');
    expect(foldText('ΟΔΟΣ')).toBe(foldText('οδος'));
    expect(foldText('a\u0308') === foldText('\u00e4')).toBe(true); // NFD and NFC fold alike
    expect(foldSearchTerms('STRASSE')).toEqual(['strasse']);
    expect(foldSearchTerms('a\u00a0b')).toEqual(['a', 'b']); // a no-break space folds to a space
  });

  it('stores the distinct folded words, which match exactly what the whole text matches', () => {
    const input = meetingInput({
      notes: 'Hämeentie hameentie ÄÄNI\n\uFDFA\uFDFA',
      meetingRealty: { categoryCode: 'SALE', postalArea: 'Åbo' },
    });
    expect(searchableText(input)).toBe('hameentie aani صلى الله عليه وسلمصلى وسلم abo');
    const word = fc.string({
      unit: fc.constantFrom('a', 'ä', 'B', '\uFDFA', '\u3316', 'ß', ' ', '\n', 'ﬁ'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 's', 'ル', 'ل', 'f', 'i'), minLength: 1, maxLength: 4 }),
        (parts, term) => {
          const notes = parts.join(' ');
          const whole = foldText(notes);
          const stored = searchableText(meetingInput({ notes, meetingRealty: { categoryCode: 'SALE' } }));
          expect(stored.includes(term)).toBe(whole.includes(term));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a term that folds to nothing (it would match everything)', () => {
    expect(foldSearchTerms('\u0301')).toBeUndefined();
    expect(foldSearchTerms('hameentie \u0308\u0301')).toBeUndefined();
    expect(foldSearchTerms('-')).toEqual(['-']);
  });
});

describe('sorting and paging', () => {
  const entries = [
    entry({ meetingId: 'b', visitTime: '2026-01-02T00:00:00.000Z', modificationTime: '2026-01-01T00:00:03.000Z' }),
    entry({ meetingId: 'a', visitTime: '2026-01-02T00:00:00.000Z', modificationTime: '2026-01-01T00:00:01.000Z' }),
    entry({ meetingId: 'c', visitTime: '2026-01-01T00:00:00.000Z', modificationTime: '2026-01-01T00:00:02.000Z' }),
  ];

  it('sorts by visitTime ascending by default, ties broken by meetingId ascending', () => {
    expect(selectPage(entries, criteria()).pageIds).toEqual(['c', 'a', 'b']);
  });

  it('sorts by several keys in order, then meetingId', () => {
    expect(selectPage(entries, criteria({ sort: [{ field: 'visitTime', direction: 'desc' }] })).pageIds).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(
      selectPage(
        entries,
        criteria({
          sort: [
            { field: 'visitTime', direction: 'desc' },
            { field: 'modificationTime', direction: 'desc' },
          ],
        }),
      ).pageIds,
    ).toEqual(['b', 'a', 'c']);
    expect(selectPage(entries, criteria({ sort: [{ field: 'modificationTime', direction: 'asc' }] })).pageIds).toEqual([
      'a',
      'c',
      'b',
    ]);
  });

  it('slices pages and counts all matches, with duplicates (several link entries) counted once', () => {
    expect(selectPage([...entries, entries[0]!], criteria({ startIndex: 1, size: 1 }))).toEqual({
      pageIds: ['a'],
      totalCount: 3,
    });
    expect(selectPage(entries, criteria({ startIndex: 2, size: 5 }))).toEqual({ pageIds: ['b'], totalCount: 3 });
    expect(selectPage(entries, criteria({ startIndex: 3 }))).toEqual({ pageIds: [], totalCount: 3 });
  });

  it('keeps a meeting an index lists twice once, and keeps nothing but what ordering needs', () => {
    const selector = new PageSelector(criteria({ size: 5 }));
    const long = entry({ meetingId: 'x', searchText: 'y'.repeat(50_000), partyIds: ['p'.repeat(1000)] });
    selector.offer(long);
    selector.offer(long);
    expect(selector.page()).toEqual({ pageIds: ['x'], totalCount: 1 });
    expect(JSON.stringify(selector).length).toBeLessThan(1_000);
  });

  it('the one-pass selector gives exactly the page and count of a full sort, whatever the order of arrival', () => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString();
    const arbitraryEntry = fc.record({
      meetingId: fc.uuid(),
      visitTime: fc.integer({ min: 0, max: 20 }).map(day), // ties on purpose
      modificationTime: fc.integer({ min: 0, max: 20 }).map(day),
      statusCode: fc.constantFrom('WAITING' as const, 'WON' as const),
    });
    const sortKey = fc.record({
      field: fc.constantFrom('visitTime' as const, 'modificationTime' as const),
      direction: fc.constantFrom('asc' as const, 'desc' as const),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitraryEntry, { selector: (e) => e.meetingId, maxLength: 120 }),
        fc.integer({ min: 0, max: 130 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(sortKey, { maxLength: 2 }),
        fc.boolean(),
        (raw, startIndex, size, sort, onlyWon) => {
          const all = raw.map((r) => entry(r));
          const c = criteria({
            startIndex,
            size,
            sort: sort.length && sort[0]!.field !== sort[1]?.field ? sort : DEFAULT_SORT,
            ...(onlyWon ? { statusCode: ['WON' as const] } : {}),
          });
          const selector = new PageSelector(c);
          for (const e of all) selector.offer(e);
          const matching = all.filter((e) => matches(e, c)).sort(compareEntries(c.sort));
          expect(selector.page()).toEqual({
            pageIds: matching.slice(startIndex, startIndex + size).map((e) => e.meetingId),
            totalCount: matching.length,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('time and keys', () => {
  it('makes modificationTime strictly increase even when the clock does not', () => {
    const previous = '2026-01-01T00:00:00.500Z';
    expect(nextModificationTime(new Date('2026-01-01T00:00:00.000Z'), previous)).toBe('2026-01-01T00:00:00.501Z');
    expect(nextModificationTime(new Date('2026-01-01T00:00:01.000Z'), previous)).toBe('2026-01-01T00:00:01.000Z');
  });

  it('builds strict instant bounds for visitKey ranges', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const key = visitKey(t, 'ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(key > afterInstant(t)).toBe(false);
    expect(key < beforeInstant(t)).toBe(false);
    expect(visitKey('2026-01-01T00:00:00.001Z', '00000000-0000-4000-8000-000000000000') > afterInstant(t)).toBe(true);
    expect(visitKey('2025-12-31T23:59:59.999Z', 'ffffffff-ffff-4fff-bfff-ffffffffffff') < beforeInstant(t)).toBe(true);
  });
});
