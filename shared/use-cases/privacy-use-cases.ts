/**
 * A data subject's rights (contract-history-privacy.md): erasure of a party from every meeting of
 * the tenant, whatever its status, and the export of everything the tenant holds of the party.
 */
import { randomUUID } from 'node:crypto';
import type { Erasure, ErasureRepository } from '../domain/erasure-repository.js';
import { erasureOf, lastPartiesWere, redactEntry, withoutParty, type MeetingErasure } from '../domain/erasure.js';
import { ErasureNotFound } from '../domain/errors.js';
import type { HistoryEntry, WriteOrigin } from '../domain/meeting-history.js';
import { ConcurrentModificationError } from '../domain/meeting-repository.js';
import { isTombstone, nextModificationTime, type Meeting } from '../domain/meeting.js';
import { BudgetedItems, type AnswerBudget } from './answer-budget.js';
import type { MeetingDeps } from './meeting-use-cases.js';

/** A party named in at most this many meetings is erased before the request is answered. */
export const SYNC_ERASURE_MEETINGS = 100;

export interface PrivacyDeps extends MeetingDeps {
  erasures: ErasureRepository;
  /**
   * Hands a larger erasure to the asynchronous worker; without it, every erasure completes before
   * the answer (the local runner's own bound is the request's).
   */
  enqueueErasure?: (tenantId: string, erasure: Erasure) => Promise<void>;
}

const nowOf = (deps: MeetingDeps): Date => (deps.now ? deps.now() : new Date());

/** Records the erasure, then carries it out at once, or hands it to the worker when the party is in many meetings. */
export async function requestErasure(
  deps: PrivacyDeps,
  tenantId: string,
  partyId: string,
  origin: WriteOrigin,
): Promise<Erasure> {
  const erasure: Erasure = {
    erasureId: (deps.newId ?? randomUUID)().toLowerCase(),
    partyId: partyId.toLowerCase(),
    status: 'PENDING',
    requestedAt: nowOf(deps).toISOString(),
  };
  await deps.erasures.record(tenantId, erasure);
  const meetingIds = await deps.repository.meetingsNamingParty(tenantId, erasure.partyId);
  if (meetingIds.length > SYNC_ERASURE_MEETINGS && deps.enqueueErasure) {
    await deps.enqueueErasure(tenantId, erasure);
    return erasure;
  }
  return carryOutErasure(deps, tenantId, erasure, origin, meetingIds);
}

/**
 * Erases the party from every meeting that names it or named it, then marks the erasure
 * COMPLETED. Safe to run again: a meeting already done has nothing left to do.
 */
export async function carryOutErasure(
  deps: PrivacyDeps,
  tenantId: string,
  erasure: Erasure,
  origin: WriteOrigin,
  meetingIds?: string[],
): Promise<Erasure & { status: 'COMPLETED' }> {
  const ids = meetingIds ?? (await deps.repository.meetingsNamingParty(tenantId, erasure.partyId));
  let meetingsErased = 0;
  let meetingsRedacted = 0;
  for (const meetingId of ids) {
    const done = await eraseFromMeeting(deps, tenantId, meetingId, erasure.partyId, origin);
    if (done === 'ERASED') meetingsErased++;
    if (done === 'REDACTED') meetingsRedacted++;
  }
  const completed = {
    ...erasure,
    status: 'COMPLETED' as const,
    completedAt: nowOf(deps).toISOString(),
    meetingsErased,
    meetingsRedacted,
  };
  await deps.erasures.complete(tenantId, completed);
  return completed;
}

/** A meeting that loses a race is decided again; each lost round means another write won. */
const MAX_DECISION_ROUNDS = 64;

/**
 * The erasure of one meeting: the meeting itself when it names the party now (erased whole, or
 * redacted), then its history, then the party's trace to it.
 */
async function eraseFromMeeting(
  deps: PrivacyDeps,
  tenantId: string,
  meetingId: string,
  partyId: string,
  origin: WriteOrigin,
): Promise<MeetingErasure> {
  let done: MeetingErasure = 'NONE';
  let gone = false;
  for (let round = 0; round < MAX_DECISION_ROUNDS; round++) {
    const record = await deps.repository.get(tenantId, meetingId);
    if (!record || isTombstone(record)) {
      gone = record?.erased === true;
      break;
    }
    done = erasureOf(record.meeting, partyId);
    try {
      const time = nextModificationTime(nowOf(deps), record.meeting.modificationTime);
      if (done === 'ERASED') await deps.repository.erase(tenantId, record, time, origin);
      if (done === 'REDACTED')
        await deps.repository.redact(tenantId, record, redacted(record.meeting, partyId, time), origin, partyId);
      break;
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
    }
  }
  const entries = await allEntries(deps, tenantId, meetingId);
  const wholeMeeting = done === 'ERASED' || gone || (done === 'NONE' && lastPartiesWere(entries, partyId));
  const rewritten = entries
    .map((entry) => redactEntry(entry, partyId, wholeMeeting))
    .filter((entry, i) => JSON.stringify(entry) !== JSON.stringify(entries[i]));
  if (rewritten.length) await deps.repository.rewriteHistory(tenantId, meetingId, rewritten);
  await deps.repository.forgetPartyTrace(tenantId, partyId, meetingId);
  return done;
}

const redacted = (meeting: Meeting, partyId: string, modificationTime: string): Meeting => ({
  ...withoutParty(meeting, partyId),
  modificationTime,
});

async function allEntries(deps: MeetingDeps, tenantId: string, meetingId: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let afterVersion: number | undefined;
  for (;;) {
    const page = await deps.repository.history(tenantId, meetingId, { afterVersion, limit: 100 });
    entries.push(...page.entries);
    if (!page.more) return entries;
    afterVersion = page.entries.at(-1)!.version;
  }
}

export async function readErasure(deps: PrivacyDeps, tenantId: string, erasureId: string): Promise<Erasure> {
  const erasure = await deps.erasures.get(tenantId, erasureId.toLowerCase());
  if (!erasure) throw new ErasureNotFound(erasureId);
  return erasure;
}

export interface ExportedMeeting {
  meeting: Meeting;
  history: HistoryEntry[];
}

/**
 * A page of the live meetings that list the party, in meetingId order, each with its full
 * history: at most `size`, fewer when the next would pass the answer's budget; `nextAfter` (the
 * last meetingId) continues from there, absent on the last page.
 */
export async function exportParty(
  deps: MeetingDeps,
  tenantId: string,
  partyId: string,
  request: { afterMeetingId?: string; size: number; budget?: AnswerBudget<ExportedMeeting> },
): Promise<{ meetings: ExportedMeeting[]; nextAfter?: string }> {
  const party = partyId.toLowerCase();
  const candidates = (await deps.repository.meetingsNamingParty(tenantId, party)).filter(
    (id) => request.afterMeetingId === undefined || id > request.afterMeetingId,
  );
  const answer = new BudgetedItems(request.budget);
  const { items: meetings } = answer;
  for (let start = 0; start < candidates.length; start += request.size) {
    const batch = candidates.slice(start, start + request.size);
    const records = await deps.repository.getRecords(tenantId, batch);
    for (const meetingId of batch) {
      const record = records.get(meetingId);
      if (!record || isTombstone(record) || erasureOf(record.meeting, party) === 'NONE') continue;
      const exported = { meeting: record.meeting, history: await allEntries(deps, tenantId, meetingId) };
      if (meetings.length === request.size || !answer.offer(exported))
        return { meetings, nextAfter: meetings.at(-1)!.meeting.meetingId };
    }
  }
  return { meetings };
}
