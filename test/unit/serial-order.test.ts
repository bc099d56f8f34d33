import { describe, expect, it } from 'vitest';
import type { Meeting } from '../../shared/domain/meeting.js';
import { meetingInput, meetingOf } from '../../support/fixtures.js';
import { hasSerialOrder, type Operation } from '../support/serial-order.js';

const base = meetingInput();
const initial = meetingOf(base, { meetingId: 'm', creationTime: 't' });
const put = (kind: string, overrides: Partial<Meeting>): Operation => ({
  kind,
  type: 'update',
  next: { ...initial, ...overrides },
});
const del: Operation = { kind: 'delete', type: 'delete' };

describe('serial-order checker (the race tests rely on it)', () => {
  it('explains an edit that ran first and a win that replaced it (full replacement drops the notes)', () => {
    const edit = put('edit', { notes: 'edited' });
    const win = put('win', { statusCode: 'WON' });
    const observed = [
      { op: edit, outcome: 204 },
      { op: win, outcome: 204 },
      { op: win, outcome: 204 },
      { op: del, outcome: 400 },
      { op: edit, outcome: 400 },
    ];
    expect(hasSerialOrder(initial, observed, { ...initial, statusCode: 'WON' })).toBe(true);
    expect(hasSerialOrder(initial, observed, { ...initial, statusCode: 'WON', notes: 'edited' })).toBe(false);
  });

  it('refuses outcomes no serial order gives', () => {
    const cancelA = put('cancel-a', { statusCode: 'CANCELLED', visitTime: '2030-01-01T00:00:00.000Z' });
    const cancelledB: Meeting = { ...initial, statusCode: 'CANCELLED', visitTime: '2031-01-01T00:00:00.000Z' };
    const cancelB: Operation = { kind: 'cancel-b', type: 'update', next: cancelledB };
    // two different cancels cannot both win
    expect(
      hasSerialOrder(
        initial,
        [
          { op: cancelA, outcome: 204 },
          { op: cancelB, outcome: 204 },
        ],
        cancelledB,
      ),
    ).toBe(false);
    // a delete that succeeded after a win is impossible
    expect(
      hasSerialOrder(
        initial,
        [
          { op: put('win', { statusCode: 'WON' }), outcome: 204 },
          { op: del, outcome: 204 },
        ],
        'deleted',
      ),
    ).toBe(false);
    // a 409 or 503 is never an outcome of some serial order
    expect(hasSerialOrder(initial, [{ op: del, outcome: 409 }], initial)).toBe(false);
  });
});
