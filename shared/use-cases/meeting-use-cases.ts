import { randomUUID } from 'node:crypto';
import { entityTagOf, matchesStrongly, type EntityTagCondition } from '../domain/entity-tag.js';
import { IdempotencyKeyReused, MeetingGone, MeetingNotFound, PreconditionFailed } from '../domain/errors.js';
import { idempotentMeetingId, requestHash } from '../domain/idempotency.js';
import { ConcurrentModificationError, type MeetingRepository } from '../domain/meeting-repository.js';
import { assertMeetingRules } from '../domain/meeting-rules.js';
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

const nowOf = (deps: UseCaseDeps): Date => (deps.now ? deps.now() : new Date());

/** A write that loses a race is decided again on the fresh state; each lost round means another write won. */
const MAX_DECISION_ROUNDS = 64;

function existing(meetingId: string, record: MeetingRecord | undefined): StoredMeeting {
  if (!record) throw new MeetingNotFound(meetingId);
  if (isTombstone(record)) throw new MeetingGone(meetingId);
  return record;
}

/** What storage holds after a write lost its condition: as the refusal said, or read again if it could not say. */
const heldNow = (deps: UseCaseDeps, tenantId: string, meetingId: string, lost: ConcurrentModificationError) =>
  lost.current === undefined ? deps.repository.get(tenantId, meetingId) : Promise.resolve(lost.current ?? undefined);

/**
 * Decides on the stored state and writes on condition that it is still that state; a lost race is
 * decided again. The checks follow the contract's order: existence (404/410), then the request's
 * If-Match (412: decided on the same version the conditional write then requires, so no write can
 * come between), then the rules inside `write`.
 */
async function decideAndWrite<T>(
  deps: UseCaseDeps,
  tenantId: string,
  meetingId: string,
  ifMatch: EntityTagCondition | undefined,
  write: (current: StoredMeeting) => Promise<T>,
): Promise<T> {
  let record = await deps.repository.get(tenantId, meetingId);
  for (let round = 0; round < MAX_DECISION_ROUNDS; round++) {
    const current = existing(meetingId, record);
    if (ifMatch && !matchesStrongly(ifMatch, entityTagOf(meetingId, current.version))) {
      throw new PreconditionFailed(meetingId);
    }
    try {
      return await write(current);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      record = await heldNow(deps, tenantId, meetingId, error);
    }
  }
  // Only a storm of writers to one meeting could get here: an unexpected error, which the client may retry.
  throw new Error(`meeting ${meetingId}: lost ${MAX_DECISION_ROUNDS} write races in a row`);
}

/**
 * Creates a meeting. With an Idempotency-Key, the meeting's id comes from the tenant and the key,
 * and the body's hash is stored with it: a create that finds the id taken is a replay when the
 * hashes agree (the first answer again, whatever happened to the meeting since) and a reuse of
 * the key when they do not. Concurrent requests with one key and body create one meeting.
 */
export async function createMeeting(
  deps: UseCaseDeps,
  tenantId: string,
  input: MeetingInput,
  idempotencyKey?: string,
): Promise<{ meetingId: string; replayed: boolean }> {
  assertMeetingRules(input);
  const now = nowOf(deps).toISOString();
  const hash = idempotencyKey === undefined ? undefined : requestHash(input);
  const meetingId =
    idempotencyKey === undefined
      ? (deps.newId ?? randomUUID)().toLowerCase()
      : idempotentMeetingId(tenantId, idempotencyKey);
  const meeting: Meeting = { meetingId, ...normalizeInput(input), creationTime: now, modificationTime: now };
  for (let round = 0; round < MAX_DECISION_ROUNDS; round++) {
    try {
      await deps.repository.create(tenantId, meeting, hash);
      return { meetingId, replayed: false };
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || hash === undefined) throw error;
      // The id is taken (or a concurrent create held it): what holds it decides.
      const holder = await heldNow(deps, tenantId, meetingId, error);
      if (!holder) continue; // the other create did not happen after all: try again
      if (holder.idempotencyHash !== hash) throw new IdempotencyKeyReused();
      return { meetingId, replayed: true };
    }
  }
  throw new Error(`meeting ${meetingId}: lost ${MAX_DECISION_ROUNDS} create races in a row`);
}

/** The meeting and the entity tag of the version read. */
export async function readMeeting(
  deps: UseCaseDeps,
  tenantId: string,
  meetingId: string,
): Promise<{ meeting: Meeting; entityTag: string }> {
  const { meeting, version } = existing(meetingId, await deps.repository.get(tenantId, meetingId));
  return { meeting, entityTag: entityTagOf(meetingId, version) };
}

export async function getMeeting(deps: UseCaseDeps, tenantId: string, meetingId: string): Promise<Meeting> {
  return (await readMeeting(deps, tenantId, meetingId)).meeting;
}

export async function updateMeeting(
  deps: UseCaseDeps,
  tenantId: string,
  meetingId: string,
  input: MeetingInput,
  ifMatch?: EntityTagCondition,
): Promise<{ entityTag: string }> {
  assertMeetingRules(input);
  const next = normalizeInput(input);
  const written = await decideAndWrite(deps, tenantId, meetingId, ifMatch, async (current) => {
    assertUpdateAllowed(current.meeting, next);
    const modificationTime = nextModificationTime(nowOf(deps), current.meeting.modificationTime);
    await deps.repository.replace(tenantId, current, {
      meetingId: current.meeting.meetingId,
      ...next,
      creationTime: current.meeting.creationTime,
      modificationTime,
    });
    return current.version + 1;
  });
  return { entityTag: entityTagOf(meetingId, written) };
}

export async function deleteMeeting(
  deps: UseCaseDeps,
  tenantId: string,
  meetingId: string,
  ifMatch?: EntityTagCondition,
): Promise<void> {
  await decideAndWrite(deps, tenantId, meetingId, ifMatch, async (current) => {
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
  const entries: SearchEntry[] = await deps.repository.findSearchEntries(tenantId, criteria);
  const { pageIds, totalCount } = selectPage(entries, criteria);
  const meetings = pageIds.length ? await deps.repository.getMany(tenantId, pageIds) : [];
  return { meetings, totalCount };
}
