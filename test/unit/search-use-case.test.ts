import { describe, expect, it } from 'vitest';
import { SearchTooBroadError, type MeetingRepository } from '../../shared/domain/meeting-repository.js';
import { DEFAULT_SORT } from '../../shared/domain/search.js';
import { toApiError } from '../../shared/http/error-mapping.js';
import { searchMeetings } from '../../shared/use-cases/meeting-use-cases.js';

describe('search use case', () => {
  it('passes a search past the work cap on, which the edge answers 400 BAD_REQUEST_PARAMETERS naming the cap', async () => {
    const repository = {
      findSearchEntries: async () => {
        throw new SearchTooBroadError(50_000);
      },
    } as unknown as MeetingRepository;
    const error = await searchMeetings({ repository }, 't', { startIndex: 0, size: 50, sort: DEFAULT_SORT }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SearchTooBroadError);
    const answer = toApiError(error);
    expect([answer.status, answer.errorCode]).toEqual([400, 'BAD_REQUEST_PARAMETERS']);
    expect(answer.details.description).toMatch(/more than 50000 meetings/);
  });

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
      findSearchEntries: async () => [entry('c', '2026-03'), entry('a', '2026-01'), entry('b', '2026-02')],
      getMany: async (_: string, ids: string[]) => (fetched.push(ids), ids.map((meetingId) => ({ meetingId }))),
    } as unknown as MeetingRepository;
    const result = await searchMeetings({ repository }, 't', { startIndex: 1, size: 1, sort: DEFAULT_SORT });
    expect(result).toEqual({ meetings: [{ meetingId: 'b' }], totalCount: 3 });
    expect(fetched).toEqual([['b']]);
  });
});
