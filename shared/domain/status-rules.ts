import { StatusRuleViolation, type FieldViolation } from './errors.js';
import type { Meeting, MeetingInput, StatusCode } from './meeting.js';

/** The status table of the contract: from a stored status, the statuses a meeting may be set to. */
export const ALLOWED_TRANSITIONS: Readonly<Record<StatusCode, readonly StatusCode[]>> = {
  WAITING: ['WAITING', 'WON', 'LOST', 'CANCELLED'],
  WON: ['WON', 'LOST'],
  LOST: ['LOST', 'WON'],
  CANCELLED: ['CANCELLED'],
};

/** In these stored statuses parties and visitTime must stay as stored. */
const isLocked = (status: StatusCode): boolean => status !== 'WAITING';

const partySet = (meeting: Pick<Meeting, 'parties'>): Set<string> =>
  new Set(meeting.parties.map((p) => `${p.partyId.toLowerCase()}|${p.partyTypeCode}`));

const sameParties = (a: Pick<Meeting, 'parties'>, b: Pick<Meeting, 'parties'>): boolean => {
  const left = partySet(a);
  const right = partySet(b);
  return left.size === right.size && [...left].every((key) => right.has(key));
};

/**
 * Decides whether `next` (already normalized) may replace `stored`. Throws StatusRuleViolation
 * naming every offending field.
 */
export function assertUpdateAllowed(stored: Meeting, next: MeetingInput): void {
  const violations: FieldViolation[] = [];
  if (!ALLOWED_TRANSITIONS[stored.statusCode].includes(next.statusCode)) {
    violations.push({
      field: 'statusCode',
      message: `statusCode ${stored.statusCode} can only be changed to ${ALLOWED_TRANSITIONS[stored.statusCode].join(' or ')}`,
    });
  }
  if (isLocked(stored.statusCode)) {
    if (!sameParties(stored, next)) {
      violations.push({ field: 'parties', message: `parties can't be modified in status ${stored.statusCode}` });
    }
    if (Date.parse(stored.visitTime) !== Date.parse(next.visitTime)) {
      violations.push({ field: 'visitTime', message: `visitTime can't be modified in status ${stored.statusCode}` });
    }
  }
  if (violations.length) throw new StatusRuleViolation(violations);
}

export function assertDeleteAllowed(stored: Meeting): void {
  if (stored.statusCode !== 'WAITING') {
    throw new StatusRuleViolation([
      { field: 'statusCode', message: `A meeting can be deleted only in status WAITING, not ${stored.statusCode}` },
    ]);
  }
}
