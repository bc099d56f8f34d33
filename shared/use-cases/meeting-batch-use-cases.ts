/**
 * Bulk create (contract-calendar-import.md, "Bulk create"): each item is exactly a keyed create
 * (createMeeting with its idempotency key), items independent of each other, outcomes in item order.
 */
import { forEachConcurrently } from '../concurrency.js';
import type { WriteOrigin } from '../domain/meeting-history.js';
import type { MeetingInput } from '../domain/meeting.js';
import { createMeeting, type MeetingDeps } from './meeting-use-cases.js';

/** Most items a batch carries. */
export const MAX_BATCH_ITEMS = 100;

/**
 * Items of one batch in flight at once. Each is one transaction (a few of them on a lost race), so a
 * full batch takes about ten rounds of one write: far inside the function's timeout even with the
 * SDK's retries, within its connection pool, and a bounded burst of write units per request.
 */
export const BATCH_ITEM_CONCURRENCY = 10;

export interface BatchItem {
  idempotencyKey: string;
  /** The item's meeting, checked as POST checks its body; a throw is this item's failure alone. */
  input: () => MeetingInput;
}

export type BatchOutcome = { created: true; meetingId: string; replayed: boolean } | { created: false; error: unknown };

export async function createMeetingsBatch(
  deps: MeetingDeps,
  tenantId: string,
  items: readonly BatchItem[],
  origin: WriteOrigin,
): Promise<BatchOutcome[]> {
  const outcomes = new Array<BatchOutcome>(items.length);
  await forEachConcurrently([...items.keys()], BATCH_ITEM_CONCURRENCY, async (index) => {
    const item = items[index]!;
    try {
      const { meetingId, replayed } = await createMeeting(deps, tenantId, item.input(), origin, item.idempotencyKey);
      outcomes[index] = { created: true, meetingId, replayed };
    } catch (error) {
      outcomes[index] = { created: false, error };
    }
  });
  return outcomes;
}
