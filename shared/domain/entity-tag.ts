import { createHash } from 'node:crypto';

/**
 * A meeting's entity tag: opaque and strong. It names one stored version, so it changes with every
 * successful write of the meeting and only then.
 */
export const entityTagOf = (meetingId: string, version: number): string =>
  createHash('sha256').update(`${meetingId}:${version}`).digest('base64url').slice(0, 22);

/** What an If-Match or If-None-Match asks for: any stored version, or one of these tags. */
export type EntityTagCondition = { any: true } | { tags: ReadonlyArray<{ tag: string; weak: boolean }> };

/** Strong comparison (If-Match): a weak tag never matches. */
export const matchesStrongly = (condition: EntityTagCondition, current: string): boolean =>
  'any' in condition || condition.tags.some(({ tag, weak }) => !weak && tag === current);

/** Weak comparison (If-None-Match on a read): the tag matches whether it is marked weak or not. */
export const matchesWeakly = (condition: EntityTagCondition, current: string): boolean =>
  'any' in condition || condition.tags.some(({ tag }) => tag === current);
