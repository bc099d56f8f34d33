import { describe, expect, it } from 'vitest';
import type { MeetingRepository } from '../../shared/domain/meeting-repository.js';
import { DEFAULT_SORT } from '../../shared/domain/search.js';
import { searchMeetings } from '../../shared/use-cases/meeting-use-cases.js';

describe('search use case', () => {
  it('fetches only the page, in order, and counts all matches', async () => {
    const entry = (meetingId: string, visitTime: string) => ({
      meetingId,
      visitTime,
      statusCode: 'WAITING',
      typeCode: 'SALES_MEETING',
      sourceTypeCode: 'ETUOVI',
      agencyOfficeId: 'o',
      modificationTime: visitTime,
      searchText: '',
      partyIds: [],
      agentIds: [],
    });
    const fetched: string[][] = [];
    const repository = {
      visitSearchEntries: async (_: string, __: unknown, visit: (e: unknown) => void) => {
        for (const e of [entry('c', '2026-03'), entry('a', '2026-01'), entry('b', '2026-02')]) visit(e);
      },
      getMany: async (_: string, ids: string[]) => (fetched.push(ids), ids.map((meetingId) => ({ meetingId }))),
    } as unknown as MeetingRepository;
    const result = await searchMeetings({ repository }, 't', { startIndex: 1, size: 1, sort: DEFAULT_SORT });
    expect(result).toEqual({ meetings: [{ meetingId: 'b' }], totalCount: 3 });
    expect(fetched).toEqual([['b']]);
  });
});
