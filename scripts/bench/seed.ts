/**
 * Seeding and checking meetings on DynamoDB Local: the table started, and meetings written through
 * the create use case (as the API writes them) or stored as given through the repository.
 */
import { ensureTable, startDynamoDbLocal, stopOnSignals, type RunningDynamoDb } from '../../local/dynamodb-local.js';
import type { MeetingRepository } from '../../shared/domain/meeting-repository.js';
import type { Meeting, MeetingInput } from '../../shared/domain/meeting.js';
import { createMeeting, type MeetingDeps } from '../../shared/use-cases/meeting-use-cases.js';
import { ORIGIN } from '../../support/fixtures.js';

/** DynamoDB Local in memory with the meetings table; a signal stops it too, since its Java process outlives a killed parent. */
export async function startLocalTable(tableName: string): Promise<RunningDynamoDb> {
  const db = await startDynamoDbLocal();
  stopOnSignals(db);
  try {
    await ensureTable(db.endpoint, tableName);
  } catch (error) {
    await db.stop();
    throw error;
  }
  return db;
}

/** `work` on every item, `size` at a time: enough in flight to keep DynamoDB Local busy, not so many that it times out. */
export async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

/** `count` new meetings through the create use case, as the API creates them; their ids in order. */
export function createMeetings(
  deps: MeetingDeps,
  tenantId: string,
  count: number,
  input: () => MeetingInput,
): Promise<string[]> {
  return inBatches(
    Array.from({ length: count }),
    20,
    async () => (await createMeeting(deps, tenantId, input(), ORIGIN)).meetingId,
  );
}

/** Meetings stored as given (their times and ids made up), straight through the repository. */
export async function storeMeetings(
  repository: MeetingRepository,
  tenantId: string,
  meetings: readonly Meeting[],
): Promise<void> {
  await inBatches(meetings, 16, (meeting) => repository.create(tenantId, meeting, ORIGIN));
}

/** A random element: workloads spread over a fixed population of ids. */
export const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
