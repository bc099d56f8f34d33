/**
 * Is a set of concurrent outcomes explainable by some serial order? The sequential specification
 * is the domain's own rules (assertUpdateAllowed, assertDeleteAllowed). Requests are grouped into
 * kinds (same body); the search is over states and remaining counts per (kind, outcome), memoized,
 * so 20+ concurrent requests check in microseconds.
 */
import { StatusRuleViolation } from '../../shared/domain/errors.js';
import type { Meeting } from '../../shared/domain/meeting.js';
import { assertDeleteAllowed, assertUpdateAllowed } from '../../shared/domain/status-rules.js';

export type Operation = { kind: string } & ({ type: 'update'; next: Meeting } | { type: 'delete' });
export type Outcome = 204 | 400 | 410;
export type State = Meeting | 'deleted';

function apply(state: State, op: Operation): { outcome: Outcome; state: State } {
  if (state === 'deleted') return { outcome: 410, state };
  try {
    if (op.type === 'delete') {
      assertDeleteAllowed(state);
      return { outcome: 204, state: 'deleted' };
    }
    assertUpdateAllowed(state, op.next);
    // full replacement, as PUT does: fields absent from the body are gone
    return { outcome: 204, state: op.next };
  } catch (error) {
    if (error instanceof StatusRuleViolation) return { outcome: 400, state };
    throw error;
  }
}

const key = (state: State) =>
  state === 'deleted'
    ? 'deleted'
    : `${state.statusCode}|${Date.parse(state.visitTime)}|${state.parties
        .map((p) => p.partyId)
        .sort()
        .join(',')}|${state.notes ?? ''}`;

/** True when some serial order of `observed` from `initial` yields each observed outcome and ends in `final`. */
export function hasSerialOrder(
  initial: Meeting,
  observed: Array<{ op: Operation; outcome: number }>,
  final: State,
): boolean {
  const kinds = [...new Map(observed.map(({ op }) => [op.kind, op])).values()];
  const outcomes: Outcome[] = [204, 400, 410];
  const remaining = kinds.map((kind) =>
    outcomes.map((o) => observed.filter((x) => x.op.kind === kind.kind && x.outcome === o).length),
  );
  if (remaining.flat().reduce((a, b) => a + b, 0) !== observed.length) return false; // an outcome outside 204/400/410
  const seen = new Set<string>();
  const search = (state: State, left: number[][]): boolean => {
    if (left.every((counts) => counts.every((c) => c === 0))) return key(state) === key(final);
    const memo = `${key(state)}#${left.map((c) => c.join(',')).join(';')}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    for (let k = 0; k < kinds.length; k++) {
      const { outcome, state: next } = apply(state, kinds[k]!);
      const slot = outcomes.indexOf(outcome);
      if (left[k]![slot]! > 0) {
        const after = left.map((counts, i) => (i === k ? counts.map((c, j) => (j === slot ? c - 1 : c)) : counts));
        if (search(next, after)) return true;
      }
    }
    return false;
  };
  return search(initial, remaining);
}
