import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  DEFAULT_SETTLE_DELAY_MS,
  isStale,
  type ChangeEntry,
  type FeedCursor,
  type MeetingChange,
} from '../domain/changes-feed.js';
import { entityTagOf, matchesStrongly, type EntityTagCondition } from '../domain/entity-tag.js';
import {
  FeedPositionExpired,
  IdempotencyKeyReused,
  MeetingGone,
  MeetingNotFound,
  PreconditionFailed,
} from '../domain/errors.js';
import { idempotentMeetingId, requestHash } from '../domain/idempotency.js';
import { changesNothing, type WriteOrigin } from '../domain/meeting-history.js';
import { ConcurrentModificationError, type MeetingRepository } from '../domain/meeting-repository.js';
import { assertMeetingRules } from '../domain/meeting-rules.js';
import {
  isTombstone,
  nextModificationTime,
  normalizeInput,
  type Meeting,
  type MeetingInput,
  type MeetingRecord,
  type StatusCode,
  type StoredMeeting,
} from '../domain/meeting.js';
import { PageSelector, type SearchCriteria } from '../domain/search.js';
import { assertDeleteAllowed, assertUpdateAllowed } from '../domain/status-rules.js';
import { BudgetedItems, type AnswerBudget } from './answer-budget.js';

/** The status a write moved a meeting from and to (decided on the version it replaced). */
export interface StatusChange {
  from: StatusCode;
  to: StatusCode;
}

export interface MeetingDeps {
  repository: MeetingRepository;
  now?: () => Date;
  newId?: () => string;
  /** The changes feed's settle delay (default DEFAULT_SETTLE_DELAY_MS); the repository's write deadline must fit in it. */
  settleDelayMs?: number;
}

const nowOf = (deps: MeetingDeps): Date => (deps.now ? deps.now() : new Date());

/** A write that loses a race is decided again on the fresh state; each lost round means another write won. */
const MAX_DECISION_ROUNDS = 64;

function existing(meetingId: string, record: MeetingRecord | undefined): StoredMeeting {
  if (!record) throw new MeetingNotFound(meetingId);
  if (isTombstone(record)) throw new MeetingGone(meetingId);
  return record;
}

/** What storage holds after a write lost its condition: as the refusal said, or read again if it could not say. */
const heldNow = (deps: MeetingDeps, tenantId: string, meetingId: string, lost: ConcurrentModificationError) =>
  lost.current === undefined ? deps.repository.get(tenantId, meetingId) : Promise.resolve(lost.current ?? undefined);

/**
 * Decides on the stored state and writes on condition that it is still that state; a lost race is
 * decided again. The checks follow the contract's order: existence (404/410), then the request's
 * If-Match (412: decided on the same version the conditional write then requires, so no write can
 * come between), then the rules inside `write`.
 */
async function decideAndWrite<T>(
  deps: MeetingDeps,
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
  deps: MeetingDeps,
  tenantId: string,
  input: MeetingInput,
  origin: WriteOrigin,
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
      await deps.repository.create(tenantId, meeting, origin, hash);
      return { meetingId, replayed: false };
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || hash === undefined) throw error;
      // The id is taken (or a concurrent create held it): what holds it decides.
      const holder = await heldNow(deps, tenantId, meetingId, error);
      if (!holder) continue; // the other create did not happen after all: try again
      if (isTombstone(holder) && holder.erased) throw new IdempotencyKeyReused('erased');
      if (holder.idempotencyHash !== hash) throw new IdempotencyKeyReused();
      return { meetingId, replayed: true };
    }
  }
  throw new Error(`meeting ${meetingId}: lost ${MAX_DECISION_ROUNDS} create races in a row`);
}

/** The meeting and the entity tag of the version read. */
export async function readMeeting(
  deps: MeetingDeps,
  tenantId: string,
  meetingId: string,
): Promise<{ meeting: Meeting; entityTag: string }> {
  const { meeting, version } = existing(meetingId, await deps.repository.get(tenantId, meetingId));
  return { meeting, entityTag: entityTagOf(meetingId, version) };
}

export async function getMeeting(deps: MeetingDeps, tenantId: string, meetingId: string): Promise<Meeting> {
  return (await readMeeting(deps, tenantId, meetingId)).meeting;
}

/**
 * Replaces the meeting. A body that, normalized, equals what is stored writes nothing (no new
 * version, no history entry, no event) once existence, If-Match and the status rules have passed:
 * the answer then carries the stored version's tag.
 */
export async function updateMeeting(
  deps: MeetingDeps,
  tenantId: string,
  meetingId: string,
  input: MeetingInput,
  origin: WriteOrigin,
  ifMatch?: EntityTagCondition,
): Promise<{ entityTag: string; statusChange?: StatusChange }> {
  assertMeetingRules(input);
  const next = normalizeInput(input);
  return decideAndWrite(deps, tenantId, meetingId, ifMatch, async (current) => {
    assertUpdateAllowed(current.meeting, next);
    if (changesNothing(current.meeting, next)) return { entityTag: entityTagOf(meetingId, current.version) };
    const modificationTime = nextModificationTime(nowOf(deps), current.meeting.modificationTime);
    await deps.repository.replace(
      tenantId,
      current,
      {
        meetingId: current.meeting.meetingId,
        ...next,
        creationTime: current.meeting.creationTime,
        modificationTime,
      },
      origin,
    );
    const from = current.meeting.statusCode;
    return {
      entityTag: entityTagOf(meetingId, current.version + 1),
      ...(from !== next.statusCode ? { statusChange: { from, to: next.statusCode } } : {}),
    };
  });
}

export async function deleteMeeting(
  deps: MeetingDeps,
  tenantId: string,
  meetingId: string,
  origin: WriteOrigin,
  ifMatch?: EntityTagCondition,
): Promise<void> {
  await decideAndWrite(deps, tenantId, meetingId, ifMatch, async (current) => {
    assertDeleteAllowed(current.meeting);
    const deletedAt = nextModificationTime(nowOf(deps), current.meeting.modificationTime);
    await deps.repository.delete(tenantId, current, deletedAt, origin);
  });
}

export async function searchMeetings(
  deps: MeetingDeps,
  tenantId: string,
  criteria: SearchCriteria,
): Promise<{ meetings: Meeting[]; totalCount: number }> {
  // One pass: the selector keeps the best startIndex + size matches and counts them all.
  const selector = new PageSelector(criteria);
  await deps.repository.visitSearchEntries(tenantId, criteria, (entry) => selector.offer(entry));
  const { pageIds, totalCount } = selector.page();
  const meetings = pageIds.length ? await deps.repository.getMany(tenantId, pageIds) : [];
  return { meetings, totalCount };
}

/** The meetings of a feed answer are read in batches of this many, in order, until the answer's budget is spent. */
const RECORD_BATCH = 100;

/**
 * The next changes after `cursor` (from the start without one), at most `size`, up to the settled
 * horizon, each meeting in its latest state as storage holds it now. The cursor returned continues
 * from there; `hasMore` says settled changes are already waiting past it.
 */
export async function listChanges(
  deps: MeetingDeps,
  tenantId: string,
  request: { cursor?: FeedCursor; size: number; budget?: AnswerBudget },
): Promise<{ changes: MeetingChange[]; next: FeedCursor; hasMore: boolean }> {
  const now = nowOf(deps).getTime();
  const { cursor } = request;
  if (cursor && isStale(cursor, now)) throw new FeedPositionExpired();
  const horizon = new Date(now - (deps.settleDelayMs ?? DEFAULT_SETTLE_DELAY_MS)).toISOString();
  const settled = { time: horizon };
  const knownSince = cursor?.knownSince ?? Date.parse(horizon);
  // A position past the horizon (handed out by a clock ahead of this one): nothing has settled after it yet.
  if (cursor && comparePositions(cursor.position, settled) >= 0) return { changes: [], next: cursor, hasMore: false };

  const { entries, more } = await deps.repository.findChanges(tenantId, {
    after: cursor?.position,
    upTo: horizon,
    limit: request.size,
  });
  const answer = new BudgetedItems(request.budget);
  let last: ChangeEntry | undefined;
  let full = false;
  for (let start = 0; start < entries.length && !full; start += RECORD_BATCH) {
    const batch = entries.slice(start, start + RECORD_BATCH);
    const records = await deps.repository.getRecords(
      tenantId,
      batch.map((entry) => entry.meetingId),
    );
    for (const entry of batch) {
      full = !answer.offer(changeOf(entry, records.get(entry.meetingId)));
      if (full) break;
      last = entry;
    }
  }
  const changes = answer.items;
  const hasMore = more || changes.length < entries.length;
  return { changes, next: { position: hasMore ? last! : settled, knownSince }, hasMore };
}

/** An entry of the change order as the client learns it: the meeting as stored now, or its deletion. */
function changeOf(entry: ChangeEntry, record: MeetingRecord | undefined): MeetingChange {
  if (record && !isTombstone(record))
    return { meetingId: entry.meetingId, changeType: 'CHANGED', meeting: record.meeting };
  // No record at all: the tombstone's time to live ran out after the index listed it.
  const deletionTime = record ? record.deletionTime : entry.time;
  return { meetingId: entry.meetingId, changeType: 'DELETED', deletionTime };
}
