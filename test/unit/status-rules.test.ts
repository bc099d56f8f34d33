import { describe, expect, it } from 'vitest';
import { StatusRuleViolation } from '../../shared/domain/errors.js';
import type { Meeting, StatusCode } from '../../shared/domain/meeting.js';
import { assertDeleteAllowed, assertUpdateAllowed } from '../../shared/domain/status-rules.js';
import { newMeeting } from '../../support/fixtures.js';

const STATUSES: StatusCode[] = ['WAITING', 'WON', 'LOST', 'CANCELLED'];
const ALLOWED: Record<StatusCode, StatusCode[]> = {
  WAITING: ['WAITING', 'WON', 'LOST', 'CANCELLED'],
  WON: ['WON', 'LOST'],
  LOST: ['LOST', 'WON'],
  CANCELLED: ['CANCELLED'],
};

const stored = (statusCode: StatusCode): Meeting =>
  newMeeting({ meetingId: '00000000-0000-4000-8000-000000000001', statusCode });

function violations(run: () => void): string[] {
  try {
    run();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(StatusRuleViolation);
    return (error as StatusRuleViolation).violations.map((v) => v.field);
  }
}

describe('status transitions (contract table)', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const current = stored(from);
        const next = { ...current, statusCode: to };
        expect(violations(() => assertUpdateAllowed(current, next))).toEqual(allowed ? [] : ['statusCode']);
      });
    }
  }
});

describe('locked fields', () => {
  for (const from of STATUSES) {
    const locked = from !== 'WAITING';
    it(`in ${from}, parties and visitTime ${locked ? 'must stay' : 'may change'}`, () => {
      const current = stored(from);
      const next = {
        ...current,
        parties: [{ partyId: '00000000-0000-4000-8000-0000000000ff', partyTypeCode: 'ESTATE_PARTY' as const }],
        visitTime: '2030-01-01T00:00:00.000Z',
      };
      expect(violations(() => assertUpdateAllowed(current, next))).toEqual(locked ? ['parties', 'visitTime'] : []);
    });
  }

  it('compares parties as a set: order and id case do not matter, a changed partyTypeCode does', () => {
    const current = stored('WON');
    current.parties = [
      { partyId: 'aaaaaaaa-0000-4000-8000-000000000001', partyTypeCode: 'PERSON_PARTY' },
      { partyId: 'bbbbbbbb-0000-4000-8000-000000000002', partyTypeCode: 'ORGANIZATION_PARTY' },
    ];
    const reordered = {
      ...current,
      parties: [{ ...current.parties[1]!, partyId: 'BBBBBBBB-0000-4000-8000-000000000002' }, current.parties[0]!],
    };
    expect(violations(() => assertUpdateAllowed(current, reordered))).toEqual([]);
    const retyped = {
      ...current,
      parties: [current.parties[0]!, { ...current.parties[1]!, partyTypeCode: 'ESTATE_PARTY' as const }],
    };
    expect(violations(() => assertUpdateAllowed(current, retyped))).toEqual(['parties']);
    const fewer = { ...current, parties: [current.parties[0]!] };
    expect(violations(() => assertUpdateAllowed(current, fewer))).toEqual(['parties']);
  });

  it('compares visitTime as an instant: the same instant in another offset is no change', () => {
    const current = stored('LOST');
    expect(
      violations(() => assertUpdateAllowed(current, { ...current, visitTime: '2026-12-31T08:00:00.000Z' })),
    ).toEqual([]);
    expect(
      violations(() => assertUpdateAllowed(current, { ...current, visitTime: '2026-12-31T10:00:00+02:00' })),
    ).toEqual([]);
    expect(
      violations(() => assertUpdateAllowed(current, { ...current, visitTime: '2026-12-31T08:00:00.001Z' })),
    ).toEqual(['visitTime']);
  });

  it('names every offending field at once', () => {
    const current = stored('CANCELLED');
    const next = { ...current, statusCode: 'WAITING' as const, visitTime: '2030-01-01T00:00:00.000Z' };
    expect(violations(() => assertUpdateAllowed(current, next))).toEqual(['statusCode', 'visitTime']);
  });

  it('keeps other fields editable in every state', () => {
    for (const from of STATUSES) {
      const current = stored(from);
      const next = {
        ...current,
        notes: 'changed',
        typeCode: 'EVALUATION_VISIT' as const,
        agents: [{ agentId: '00000000-0000-4000-8000-0000000000aa' }],
      };
      expect(violations(() => assertUpdateAllowed(current, next))).toEqual([]);
    }
  });
});

describe('delete', () => {
  for (const status of STATUSES) {
    it(`is ${status === 'WAITING' ? 'allowed' : 'refused'} in ${status}`, () => {
      expect(violations(() => assertDeleteAllowed(stored(status)))).toEqual(status === 'WAITING' ? [] : ['statusCode']);
    });
  }
});
