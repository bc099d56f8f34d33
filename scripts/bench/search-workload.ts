/**
 * The tenant bench:search seeds and the searches it runs: meetings over 50 offices, 500 agents and
 * 20,000 parties, and fixed probe sets of 20, all seeded before the first N so that their match
 * sets stay fixed while N grows: a probe office, agent and party; 20 CANCELLED meetings (every
 * other meeting is WAITING, WON or LOST); a probe word in 20 meetings' notes.
 */
import { randomUUID } from 'node:crypto';
import type { Meeting, MeetingInput } from '../../shared/domain/meeting.js';
import type { SearchCriteria } from '../../shared/domain/search.js';
import { meetingOf } from '../../support/fixtures.js';
import { pick } from './seed.js';

export const TENANT = 'bench-tenant';
const PROBE_MEETINGS = 20;
const WINDOW = { visitTimeAfter: '2026-03-01T00:00:00.000Z', visitTimeBefore: '2026-09-01T00:00:00.000Z' };

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
const offices = ids(50);
const agents = ids(500);
const parties = ids(20_000);
const probe = { office: randomUUID(), agent: randomUUID(), party: randomUUID() };
/** Every meeting but the CANCELLED probes has one of these. */
const STATUSES = ['WAITING', 'WON', 'LOST'] as const;
const PROBE_WORD = 'kylpyhuoneremontti';

let sequence = 0;
function meeting(overrides: Partial<MeetingInput> = {}): Meeting {
  // visitTimes spread over 2025-2027; probes over 2026 so that the window holds about half of them
  const visit = new Date(Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 3 * 365 * 86_400_000)).toISOString();
  const now = new Date(Date.UTC(2026, 0, 1) + sequence++ * 1000).toISOString();
  const agentCount = 1 + Math.floor(Math.random() * 2);
  const partyCount = 1 + Math.floor(Math.random() * 2);
  const input: MeetingInput = {
    typeCode: Math.random() < 0.5 ? 'SALES_MEETING' : 'EVALUATION_VISIT',
    statusCode: pick([...STATUSES]),
    parties: [...new Set(Array.from({ length: partyCount }, () => pick(parties)))].map((partyId) => ({
      partyId,
      partyTypeCode: 'PERSON_PARTY' as const,
    })),
    visitTime: visit,
    agencyOfficeId: pick(offices),
    agents: [...new Set(Array.from({ length: agentCount }, () => pick(agents)))].map((agentId) => ({ agentId })),
    sourceTypeCode: 'ETUOVI',
    meetingRealty: { categoryCode: 'SALE', streetAddress: `Testikatu ${sequence}`, postalArea: 'Helsinki' },
    notes: 'Benchmark meeting with a few words of notes.',
    ...overrides,
  };
  return meetingOf(input, { creationTime: now });
}

function probeMeetings(): Meeting[] {
  const inWindowOrNot = (i: number) => new Date(Date.UTC(2026, 0, 15) + i * 17 * 86_400_000).toISOString(); // Jan..Dec 2026
  return [
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ agencyOfficeId: probe.office, visitTime: inWindowOrNot(i) }),
    ),
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ agents: [{ agentId: probe.agent }], visitTime: inWindowOrNot(i) }),
    ),
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ parties: [{ partyId: probe.party, partyTypeCode: 'ESTATE_PARTY' }], visitTime: inWindowOrNot(i) }),
    ),
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ statusCode: 'CANCELLED', visitTime: inWindowOrNot(i) }),
    ),
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ notes: `Asiakas harkitsee ${PROBE_WORD}a ennen myyntiä.`, visitTime: inWindowOrNot(i) }),
    ),
  ];
}

/** The meetings that grow the tenant from `seeded` to `n`: the probes come with the first batch. */
export function meetingsUpTo(n: number, seeded: number): Meeting[] {
  return seeded === 0
    ? [...probeMeetings(), ...Array.from({ length: n - 5 * PROBE_MEETINGS }, () => meeting())]
    : Array.from({ length: n - seeded }, () => meeting());
}

/**
 * driven: a probe's index drives it (the first two goals); status: the CANCELLED probes through the
 * status index; broad: reads a large share of the tenant, each entry of its range once (`inRange`:
 * which meetings its driving range holds).
 */
export type Kind = 'driven' | 'status' | 'broad';
export interface Search {
  kind: string;
  criteria: Partial<SearchCriteria>;
  type: Kind;
  inRange?: (m: Meeting) => boolean;
}
const inWindow = (m: Meeting) => m.visitTime > WINDOW.visitTimeAfter && m.visitTime < WINDOW.visitTimeBefore;
export const SEARCHES: Search[] = [
  { kind: 'agentId', criteria: { agentId: [probe.agent] }, type: 'driven' },
  { kind: 'partyId', criteria: { partyId: [probe.party] }, type: 'driven' },
  { kind: 'agencyOfficeId', criteria: { agencyOfficeId: [probe.office] }, type: 'driven' },
  { kind: 'agentId+window', criteria: { agentId: [probe.agent], ...WINDOW }, type: 'driven' },
  { kind: 'partyId+window', criteria: { partyId: [probe.party], ...WINDOW }, type: 'driven' },
  { kind: 'officeId+window', criteria: { agencyOfficeId: [probe.office], ...WINDOW }, type: 'driven' },
  { kind: 'CANCELLED', criteria: { statusCode: ['CANCELLED'] }, type: 'status' },
  { kind: 'CANCELLED+window', criteria: { statusCode: ['CANCELLED'], ...WINDOW }, type: 'status' },
  {
    kind: 'CANCELLED,soonest',
    criteria: { statusCode: ['CANCELLED'], sort: [{ field: 'visitTime', direction: 'asc' }], size: 10 },
    type: 'status',
  },
  { kind: 'window only', criteria: { ...WINDOW }, type: 'broad', inRange: inWindow },
  { kind: 'WAITING', criteria: { statusCode: ['WAITING'] }, type: 'broad', inRange: (m) => m.statusCode === 'WAITING' },
  {
    kind: 'WAITING+window',
    criteria: { statusCode: ['WAITING'], ...WINDOW },
    type: 'broad',
    inRange: (m) => m.statusCode === 'WAITING' && inWindow(m),
  },
  { kind: 'free text only', criteria: { freeTextTerms: [PROBE_WORD] }, type: 'broad', inRange: () => true },
  {
    kind: 'deepest page',
    criteria: { startIndex: 9_950, size: 50, sort: [{ field: 'modificationTime', direction: 'desc' }] },
    type: 'broad',
    inRange: () => true,
  },
];
/** The broadest search: the whole tenant, sorted against the index order, at the deepest page allowed. */
export const BROADEST = 'deepest page';
