/**
 * A meeting's history as clients read it (contract-history-privacy.md, "History"). The entries
 * themselves are written by storage with each write (meeting-repository.ts).
 */
import { MeetingNotFound } from '../domain/errors.js';
import type { HistoryEntry } from '../domain/meeting-history.js';
import { BudgetedItems, type AnswerBudget } from './answer-budget.js';
import type { MeetingDeps } from './meeting-use-cases.js';

export type HistoryBudget = AnswerBudget<HistoryEntry>;

async function knownMeeting(deps: MeetingDeps, tenantId: string, meetingId: string, afterVersion?: number) {
  if (await deps.repository.get(tenantId, meetingId)) return true;
  return (
    afterVersion !== undefined && (await deps.repository.history(tenantId, meetingId, { limit: 1 })).entries.length > 0
  );
}

/**
 * A page of the meeting's history, oldest first: at most `size` entries after version
 * `afterVersion`, fewer when the next would pass the answer's budget; `nextAfter` continues from
 * there (absent on the last page). Entries outlive their meeting: only a meeting with neither
 * entries nor an item (never created here, or another tenant's) is not found.
 */
export async function readMeetingHistory(
  deps: MeetingDeps,
  tenantId: string,
  meetingId: string,
  request: { afterVersion?: number; size: number; budget?: HistoryBudget },
): Promise<{ entries: HistoryEntry[]; nextAfter?: number }> {
  const { entries: read, more } = await deps.repository.history(tenantId, meetingId, {
    afterVersion: request.afterVersion,
    limit: request.size,
  });
  // An empty page: of a meeting without entries (written before history existed), past the last
  // entry, or of no meeting of this tenant at all (404, whatever cursor came with it).
  if (read.length === 0 && !(await knownMeeting(deps, tenantId, meetingId, request.afterVersion)))
    throw new MeetingNotFound(meetingId);
  const answer = new BudgetedItems(request.budget);
  for (const entry of read) if (!answer.offer(entry)) break;
  const entries = answer.items;
  const hasMore = more || entries.length < read.length;
  return { entries, ...(hasMore ? { nextAfter: entries.at(-1)!.version } : {}) };
}
