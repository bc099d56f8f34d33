import { randomUUID } from 'node:crypto';
import { badRequestBody, gone, invalidId, searchTooBroad, technicalError, type ErrorItem } from '../errors.js';
import { ConcurrentModificationError, SearchTooBroadError, type MeetingRepository } from '../domain/meeting-repository.js';
import {
  isTombstone,
  nextModificationTime,
  normalizeInput,
  type Meeting,
  type MeetingInput,
  type MeetingRecord,
  type StoredMeeting,
} from '../domain/meeting.js';
import { selectPage, type SearchCriteria, type SearchEntry } from '../domain/search.js';
import { assertDeleteAllowed, assertUpdateAllowed } from '../domain/status-rules.js';

export interface UseCaseDeps {
  repository: MeetingRepository;
  now?: () => Date;
  newId?: () => string;
}

/** Cross-field rules the schema cannot say: unique ids, a price range that is a range. */
export function assertCrossFieldRules(input: MeetingInput): void {
  const errors: ErrorItem[] = [];
  const duplicates = (ids: string[], list: string, field: string) => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      const key = id.toLowerCase();
      if (seen.has(key)) errors.push({ target: `${list}[${index}].${field}`, errorCode: 'BAD_REQUEST_BODY', message: `${field} ${id} is listed twice` });
      seen.add(key);
    });
  };
  duplicates(input.parties.map((p) => p.partyId), 'parties', 'partyId');
  duplicates(input.agents.map((a) => a.agentId), 'agents', 'agentId');
  const price = input.priceEstimate;
  if (price && price.minPrice === undefined && price.maxPrice === undefined) {
    errors.push({ target: 'priceEstimate', errorCode: 'BAD_REQUEST_BODY', message: 'priceEstimate needs minPrice, maxPrice or both' });
  }
  if (price?.minPrice !== undefined && price.maxPrice !== undefined && price.minPrice > price.maxPrice) {
    errors.push({ target: 'priceEstimate.minPrice', errorCode: 'BAD_REQUEST_BODY', message: 'minPrice must not be above maxPrice' });
  }
  if (errors.length) throw badRequestBody(errors);
}

const nowOf = (deps: UseCaseDeps): Date => (deps.now ? deps.now() : new Date());

/** A write that loses a race is decided again on the fresh state; each lost round means another write won. */
const MAX_DECISION_ROUNDS = 64;

function existing(record: MeetingRecord | undefined): StoredMeeting {
  if (!record) throw invalidId();
  if (isTombstone(record)) throw gone();
  return record;
}

async function decideAndWrite(
  deps: UseCaseDeps,
  tenantId: string,
  meetingId: string,
  write: (current: StoredMeeting) => Promise<void>,
): Promise<void> {
  let record = await deps.repository.get(tenantId, meetingId);
  for (let round = 0; round < MAX_DECISION_ROUNDS; round++) {
    const current = existing(record);
    try {
      return await write(current);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      record = error.current === undefined ? await deps.repository.get(tenantId, meetingId) : (error.current ?? undefined);
    }
  }
  throw technicalError();
}

export async function createMeeting(deps: UseCaseDeps, tenantId: string, input: MeetingInput): Promise<{ meetingId: string }> {
  assertCrossFieldRules(input);
  const now = nowOf(deps).toISOString();
  const meetingId = (deps.newId ?? randomUUID)().toLowerCase();
  const meeting: Meeting = { meetingId, ...normalizeInput(input), creationTime: now, modificationTime: now };
  await deps.repository.create(tenantId, meeting);
  return { meetingId };
}

export async function getMeeting(deps: UseCaseDeps, tenantId: string, meetingId: string): Promise<Meeting> {
  return existing(await deps.repository.get(tenantId, meetingId)).meeting;
}

export async function updateMeeting(deps: UseCaseDeps, tenantId: string, meetingId: string, input: MeetingInput): Promise<void> {
  assertCrossFieldRules(input);
  const next = normalizeInput(input);
  await decideAndWrite(deps, tenantId, meetingId, async (current) => {
    assertUpdateAllowed(current.meeting, next);
    const modificationTime = nextModificationTime(nowOf(deps), current.meeting.modificationTime);
    await deps.repository.replace(tenantId, current, {
      meetingId: current.meeting.meetingId,
      ...next,
      creationTime: current.meeting.creationTime,
      modificationTime,
    });
  });
}

export async function deleteMeeting(deps: UseCaseDeps, tenantId: string, meetingId: string): Promise<void> {
  await decideAndWrite(deps, tenantId, meetingId, async (current) => {
    assertDeleteAllowed(current.meeting);
    const deletedAt = nextModificationTime(nowOf(deps), current.meeting.modificationTime);
    await deps.repository.delete(tenantId, current, deletedAt);
  });
}

export async function searchMeetings(
  deps: UseCaseDeps,
  tenantId: string,
  criteria: SearchCriteria,
): Promise<{ meetings: Meeting[]; totalCount: number }> {
  let entries: SearchEntry[];
  try {
    entries = await deps.repository.findSearchEntries(tenantId, criteria);
  } catch (error) {
    if (error instanceof SearchTooBroadError) throw searchTooBroad(error.cap);
    throw error;
  }
  const { pageIds, totalCount } = selectPage(entries, criteria);
  const meetings = pageIds.length ? await deps.repository.getMany(tenantId, pageIds) : [];
  return { meetings, totalCount };
}
