/**
 * Meeting factories shared by the tests and the benchmarks (scripts/bench-*.ts, scripts/bench/): one place that
 * knows what a valid input and a stored meeting look like.
 */
import { randomUUID } from 'node:crypto';
import type { WriteOrigin } from '../shared/domain/meeting-history.js';
import type { MeetingRepository } from '../shared/domain/meeting-repository.js';
import { normalizeInput, type Meeting, type MeetingInput, type READ_ONLY_FIELDS } from '../shared/domain/meeting.js';
import { DEFAULT_SORT, type SearchCriteria, type SearchEntry } from '../shared/domain/search.js';

export const uniqueTenant = () => `t-${randomUUID()}`;

/** The fields the service sets on a meeting (never taken from a client's body). */
export type ReadOnlyFields = Pick<Meeting, (typeof READ_ONLY_FIELDS)[number]>;

/** The creationTime (and, unless given, modificationTime) of a meeting built here. */
/** Who made a write, for tests and benchmarks that write below the HTTP edge. */
export const ORIGIN: WriteOrigin = {
  actor: { subject: 'test-subject', clientId: 'test-client' },
  requestId: '00000000-0000-4000-8000-000000000001',
};

export const FIXED_TIME = '2026-01-01T00:00:00.000Z';

/** A valid create/update body; override what a test is about. */
export function meetingInput(overrides: Partial<MeetingInput> = {}): MeetingInput {
  return {
    typeCode: 'SALES_MEETING',
    statusCode: 'WAITING',
    parties: [{ partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' }],
    visitTime: '2026-12-31T10:00:00+02:00',
    agencyOfficeId: randomUUID(),
    agents: [{ agentId: randomUUID() }],
    sourceTypeCode: 'ETUOVI',
    meetingRealty: {
      categoryCode: 'SALE',
      streetAddress: 'Mannerheimintie 1',
      postcode: '00100',
      postalArea: 'Helsinki',
    },
    ...overrides,
  };
}

/**
 * The meeting storage holds for `input`, as the create use case builds it: the input normalized,
 * plus a new id and FIXED_TIME unless given.
 */
export function meetingOf(input: MeetingInput, readOnly: Partial<ReadOnlyFields> = {}): Meeting {
  const creationTime = readOnly.creationTime ?? FIXED_TIME;
  return {
    meetingId: readOnly.meetingId ?? randomUUID(),
    ...normalizeInput(input),
    creationTime,
    modificationTime: readOnly.modificationTime ?? creationTime,
  };
}

/** A whole meeting from meetingInput(); override input or read-only fields alike. */
export function newMeeting(overrides: Partial<MeetingInput> & Partial<ReadOnlyFields> = {}): Meeting {
  const { meetingId, creationTime, modificationTime, ...input } = overrides;
  return meetingOf(meetingInput(input), { meetingId, creationTime, modificationTime });
}

/** A first page of 50 in the default order; override the filters a test is about. */
export const searchCriteria = (overrides: Partial<SearchCriteria> = {}): SearchCriteria => ({
  startIndex: 0,
  size: 50,
  sort: DEFAULT_SORT,
  ...overrides,
});

/** Every search entry a repository offers for `criteria`, collected (tests only: search itself streams them). */
export async function searchEntries(
  repository: Pick<MeetingRepository, 'visitSearchEntries'>,
  tenantId: string,
  criteria: SearchCriteria,
): Promise<SearchEntry[]> {
  const entries: SearchEntry[] = [];
  await repository.visitSearchEntries(tenantId, criteria, (entry) => entries.push(entry));
  return entries;
}
