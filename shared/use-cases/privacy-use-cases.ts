/**
 * A data subject's rights (contract-history-privacy.md): erasure of a party from every meeting of
 * the tenant, whatever its status, and the export of everything the tenant holds of the party.
 */
import { randomUUID } from 'node:crypto';
import { forEachConcurrently } from '../concurrency.js';
import type { Erasure, ErasureCounts, ErasureRepository } from '../domain/erasure-repository.js';
import { erasureOf, lastPartiesWere, redactEntry, withoutParty, type MeetingErasure } from '../domain/erasure.js';
import { ErasureNotFound } from '../domain/errors.js';
import type { HistoryEntry, WriteOrigin } from '../domain/meeting-history.js';
import { ConcurrentModificationError } from '../domain/meeting-repository.js';
import { isTombstone, nextModificationTime, type Meeting } from '../domain/meeting.js';
import { BudgetedItems, type AnswerBudget } from './answer-budget.js';
import type { MeetingDeps } from './meeting-use-cases.js';

/** A party named in at most this many meetings is erased before the request is answered. */
export const SYNC_ERASURE_MEETINGS = 100;

/**
 * Meetings erased at a time: each meeting's erasure is a handful of calls one after another on
 * its own partitions, so a few at once shorten an erasure several times over while its writes
 * stay a small share of what an on-demand table takes.
 */
export const ERASURE_CONCURRENCY = 8;

/**
 * A worker's run starts no meeting once less than this is left of it: the meetings under way
 * finish (each within the storage client's bounded retries) and the rest is handed on.
 */
export const HAND_ON_MARGIN_MS = 120_000;

export interface PrivacyDeps extends MeetingDeps {
  erasures: ErasureRepository;
}

const nowOf = (deps: MeetingDeps): Date => (deps.now ? deps.now() : new Date());

/**
 * Records the erasure, then carries it out at once, or, when the party is in more meetings than
 * a request may take, leaves it queued for the worker (recording it queued is what queues it).
 */
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
  const meetingIds = await deps.repository.meetingsNamingParty(tenantId, erasure.partyId);
  const queued = meetingIds.length > SYNC_ERASURE_MEETINGS;
  await deps.erasures.record(tenantId, erasure, { origin, queued });
  if (queued) return erasure;
  const run = await eraseFromMeetings(deps, tenantId, erasure.partyId, origin, meetingIds);
  return complete(deps, tenantId, erasure, run.counts);
}

/**
 * One run of the worker on a queued erasure, from the ledger record that fed it (`handoffs`: the
 * record's count of handings-on): erases the party from the meetings still naming it until
 * `timeLeftMs` nears the end, then either marks the erasure completed or hands the rest on to
 * the next run. A record that is no longer the job's latest (completed, or moved on) does nothing.
 */
export async function continueErasure(
  deps: PrivacyDeps,
  tenantId: string,
  erasureId: string,
  handoffs: number,
  timeLeftMs: () => number,
): Promise<'completed' | 'handed on' | 'nothing to do'> {
  const job = await deps.erasures.job(tenantId, erasureId);
  if (!job || !job.queued || job.handoffs !== handoffs) return 'nothing to do';
  const { partyId } = job.erasure;
  const meetingIds = await deps.repository.meetingsNamingParty(tenantId, partyId);
  const run = await eraseFromMeetings(
    deps,
    tenantId,
    partyId,
    job.origin,
    meetingIds,
    () => timeLeftMs() < HAND_ON_MARGIN_MS,
  );
  const counts = {
    meetingsErased: job.progress.meetingsErased + run.counts.meetingsErased,
    meetingsRedacted: job.progress.meetingsRedacted + run.counts.meetingsRedacted,
  };
  if (run.finished) {
    await complete(deps, tenantId, job.erasure, counts);
    return 'completed';
  }
  return (await deps.erasures.handOn(tenantId, erasureId, counts, handoffs)) ? 'handed on' : 'nothing to do';
}

/**
 * Applies every recorded erasure again (after a restore of the meetings brought back what they
 * had erased): each party is erased from the meetings that name it now. The ledger is left as
 * it is; the answer counts what this replay did.
 */
export async function replayErasures(deps: PrivacyDeps): Promise<ErasureCounts & { erasures: number }> {
  const total = { erasures: 0, meetingsErased: 0, meetingsRedacted: 0 };
  for (const job of await deps.erasures.all()) {
    const { partyId } = job.erasure;
    const meetingIds = await deps.repository.meetingsNamingParty(job.tenantId, partyId);
    const { counts } = await eraseFromMeetings(deps, job.tenantId, partyId, job.origin, meetingIds);
    total.erasures++;
    total.meetingsErased += counts.meetingsErased;
    total.meetingsRedacted += counts.meetingsRedacted;
  }
  return total;
}

async function complete(
  deps: PrivacyDeps,
  tenantId: string,
  erasure: Erasure,
  counts: ErasureCounts,
): Promise<Erasure & { status: 'COMPLETED' }> {
  const completed = {
    ...erasure,
    status: 'COMPLETED' as const,
    completedAt: nowOf(deps).toISOString(),
    ...counts,
  };
  await deps.erasures.complete(tenantId, completed);
  return completed;
}

/**
 * Erases the party from the given meetings, ERASURE_CONCURRENCY at a time, starting none once
 * `stop` answers true; `finished` when every meeting was done. Safe to run again: a meeting
 * already done has nothing left to do.
 */
async function eraseFromMeetings(
  deps: PrivacyDeps,
  tenantId: string,
  partyId: string,
  origin: WriteOrigin,
  meetingIds: string[],
  stop?: () => boolean,
): Promise<{ counts: ErasureCounts; finished: boolean }> {
  const counts = { meetingsErased: 0, meetingsRedacted: 0 };
  const started = await forEachConcurrently(
    meetingIds,
    ERASURE_CONCURRENCY,
    async (meetingId) => {
      const done = await eraseFromMeeting(deps, tenantId, meetingId, partyId, origin);
      if (done === 'ERASED') counts.meetingsErased++;
      if (done === 'REDACTED') counts.meetingsRedacted++;
    },
    stop,
  );
  return { counts, finished: started === meetingIds.length };
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

export async function readErasure(erasures: ErasureRepository, tenantId: string, erasureId: string): Promise<Erasure> {
  const erasure = await erasures.get(tenantId, erasureId.toLowerCase());
  if (!erasure) throw new ErasureNotFound(erasureId);
  return erasure;
}

export interface ExportedMeeting {
  meeting: Meeting;
  history: HistoryEntry[];
}

/** Histories of an export page read at once: its meetings' partitions are independent. */
const HISTORY_READS_IN_FLIGHT = 8;

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
    const named = batch.flatMap((meetingId) => {
      const record = records.get(meetingId);
      return record && !isTombstone(record) && erasureOf(record.meeting, party) !== 'NONE'
        ? [{ meetingId, meeting: record.meeting }]
        : [];
    });
    const histories = new Map<string, HistoryEntry[]>();
    await forEachConcurrently(named, HISTORY_READS_IN_FLIGHT, async ({ meetingId }) => {
      histories.set(meetingId, await allEntries(deps, tenantId, meetingId));
    });
    for (const { meetingId, meeting } of named) {
      const exported = { meeting, history: histories.get(meetingId)! };
      if (meetings.length === request.size || !answer.offer(exported))
        return { meetings, nextAfter: meetings.at(-1)!.meeting.meetingId };
    }
  }
  return { meetings };
}
