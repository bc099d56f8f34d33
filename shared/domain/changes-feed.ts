/**
 * The changes feed (GET /meetings/changes): every write of a meeting, deletions included, in the
 * order of (modificationTime, meetingId). Storage lists that order from an index that is only
 * eventually consistent, and a write's modificationTime is chosen before it commits; so the feed
 * never reads past a settled horizon (now minus the settle delay), and every write must commit
 * within the write deadline of its modificationTime (the rest of the settle delay covers the
 * index's propagation). A change at or before the horizon is then always already listed: a
 * follower can never be handed a position that a later-listed change falls behind.
 */
import type { Meeting } from './meeting.js';

/** How long deletions stay visible to the feed: a tombstone's time to live. */
export const DELETION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** The settle delay on AWS (the contract allows at most 60 s). */
export const DEFAULT_SETTLE_DELAY_MS = 30_000;

/**
 * The part of the settle delay a write may take to commit, counted from its modificationTime; the
 * other half covers the index's propagation (typically well under a second on DynamoDB).
 */
export const writeDeadlineOf = (settleDelayMs: number): number => Math.floor(settleDelayMs / 2);

/** The write deadline of the default settle delay. */
export const DEFAULT_WRITE_DEADLINE_MS = writeDeadlineOf(DEFAULT_SETTLE_DELAY_MS);

/**
 * A place in the change order: just after the change of `meetingId` at `time`, or, without
 * `meetingId`, after every change at `time`.
 */
export interface FeedPosition {
  time: string;
  meetingId?: string;
}

/** One entry of the change order as storage lists it: the latest write of a meeting (or its deletion). */
export interface ChangeEntry {
  time: string;
  meetingId: string;
}

/** What a `since` token carries. */
export interface FeedCursor {
  /** Every change up to here was handed out. */
  position: FeedPosition;
  /**
   * Epoch ms from which a deletion can concern the client: its sync began at this settled horizon,
   * so a meeting it holds was deleted after this.
   */
  knownSince: number;
}

export type MeetingChange =
  | { meetingId: string; changeType: 'CHANGED'; meeting: Meeting }
  | { meetingId: string; changeType: 'DELETED'; deletionTime: string };

/** Orders positions as the feed does: by time, then meetingId, a bare time after all of its meetings. */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  const byTime = Date.parse(a.time) - Date.parse(b.time);
  if (byTime !== 0) return byTime;
  if (a.meetingId === b.meetingId) return 0;
  if (a.meetingId === undefined) return 1;
  if (b.meetingId === undefined) return -1;
  return a.meetingId < b.meetingId ? -1 : 1;
}

/**
 * A cursor is stale when a deletion it has not passed may already have expired: every deletion
 * that concerns the client happened after max(position, knownSince), and each is kept for
 * DELETION_RETENTION_MS from its time.
 */
export const isStale = (cursor: FeedCursor, nowMs: number): boolean =>
  nowMs - Math.max(cursor.knownSince, Date.parse(cursor.position.time)) > DELETION_RETENTION_MS;
