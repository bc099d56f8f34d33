import { invalidStatus, type ErrorItem } from '../errors.js';
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
 * Decides whether `next` (already normalized) may replace `stored`. Throws INVALID_STATUS naming
 * every offending field.
 */
export function assertUpdateAllowed(stored: Meeting, next: MeetingInput): void {
  const errors: ErrorItem[] = [];
  if (!ALLOWED_TRANSITIONS[stored.statusCode].includes(next.statusCode)) {
    errors.push({
      target: 'statusCode',
      errorCode: 'INVALID_STATUS',
      message: `statusCode ${stored.statusCode} can only be changed to ${ALLOWED_TRANSITIONS[stored.statusCode].join(' or ')}`,
    });
  }
  if (isLocked(stored.statusCode)) {
    if (!sameParties(stored, next)) {
      errors.push({ target: 'parties', errorCode: 'INVALID_STATUS', message: `parties can't be modified in status ${stored.statusCode}` });
    }
    if (Date.parse(stored.visitTime) !== Date.parse(next.visitTime)) {
      errors.push({ target: 'visitTime', errorCode: 'INVALID_STATUS', message: `visitTime can't be modified in status ${stored.statusCode}` });
    }
  }
  if (errors.length) throw invalidStatus(errors);
}

export function assertDeleteAllowed(stored: Meeting): void {
  if (stored.statusCode !== 'WAITING') {
    throw invalidStatus([
      { target: 'statusCode', errorCode: 'INVALID_STATUS', message: `A meeting can be deleted only in status WAITING, not ${stored.statusCode}` },
    ]);
  }
}
