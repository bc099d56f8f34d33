/**
 * The mix bench:load runs, once through the API and once straight through the use cases: the
 * operations, the connections each gets, and what one request of each does either way.
 */
import { randomUUID } from 'node:crypto';
import { toInstant, type MeetingInput } from '../../shared/domain/meeting.js';
import {
  createMeeting,
  deleteMeeting,
  getMeeting,
  searchMeetings,
  updateMeeting,
  type MeetingDeps,
} from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN, searchCriteria } from '../../support/fixtures.js';
import { pick } from './seed.js';

export const MIX = { create: 2, get: 4, update: 2, search: 2, delete: 1 } as const; // connections per operation
export type Operation = keyof typeof MIX;
export const OPERATIONS = Object.keys(MIX) as Operation[];
export const EXPECTED: Record<Operation, number> = { create: 201, get: 200, update: 204, search: 200, delete: 204 };
export const TENANT = 'load-tenant';
/** Meetings seeded for the gets and updates, and again for the first deletes. */
export const POOL = 200;

const office = randomUUID();
/** Every meeting in one office, visits over 2026, so that the searches find some of them. */
export const input = (): MeetingInput =>
  meetingInput({
    visitTime: new Date(Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 365) * 86_400_000).toISOString(),
    agencyOfficeId: office,
    meetingRealty: { categoryCode: 'SALE', streetAddress: 'Kuormakatu 1', postalArea: 'Helsinki' },
    notes: 'load test',
  });

/** One value per operation, each made fresh. */
export const perOperation = <T>(value: () => T) =>
  Object.fromEntries(OPERATIONS.map((operation) => [operation, value()])) as Record<Operation, T>;

/**
 * One HTTP request of `operation`: reads and updates hit the seeded `pool`; a delete takes its
 * meeting from `nextDelete` and leaves the id in `context` for the answer.
 */
export function apiRequest(
  operation: Operation,
  pool: string[],
  context: Record<string, unknown>,
  nextDelete: () => string,
) {
  switch (operation) {
    case 'create':
      return { method: 'POST', path: '/meetings', body: JSON.stringify(input()) };
    case 'get':
      return { method: 'GET', path: `/meetings/${pick(pool)}` };
    case 'update':
      return {
        method: 'PUT',
        path: `/meetings/${pick(pool)}`,
        body: JSON.stringify({ ...input(), notes: `updated ${Date.now()}` }),
      };
    case 'search':
      return { method: 'GET', path: `/meetings?agencyOfficeId=${office}&size=20&visitTimeAfter=2026-06-01T00:00:00Z` };
    case 'delete': {
      const id = nextDelete();
      context.meetingId = id;
      return { method: 'DELETE', path: `/meetings/${id}` };
    }
  }
}

/**
 * The same request straight through the use cases: deletes take the meetings this mix created
 * (`created`), and read one while there is none yet.
 */
export async function directOperation(
  deps: MeetingDeps,
  operation: Operation,
  pool: string[],
  created: string[],
): Promise<void> {
  switch (operation) {
    case 'create':
      created.push((await createMeeting(deps, TENANT, input(), ORIGIN)).meetingId);
      return;
    case 'get':
      await getMeeting(deps, TENANT, pick(pool));
      return;
    case 'update':
      await updateMeeting(deps, TENANT, pick(pool), { ...input(), notes: 'raw update' }, ORIGIN);
      return;
    case 'search':
      await searchMeetings(
        deps,
        TENANT,
        searchCriteria({ agencyOfficeId: [office], visitTimeAfter: toInstant('2026-06-01T00:00:00Z'), size: 20 }),
      );
      return;
    case 'delete': {
      const id = created.shift();
      if (id) await deleteMeeting(deps, TENANT, id, ORIGIN);
      else await getMeeting(deps, TENANT, pick(pool));
      return;
    }
  }
}
