/**
 * How much one answer may carry (the HTTP edge sets it: shared/http/answer-budget.ts), and the one
 * way a paged answer fills up to it: items in order, the first always, each next only while the
 * bytes so far and its own stay within the budget.
 */
import type { MeetingChange } from '../domain/changes-feed.js';

/** At most `maxBytes`, each item weighing `bytesOf` it. */
export interface AnswerBudget<T = MeetingChange> {
  maxBytes: number;
  bytesOf: (item: T) => number;
}

const UNBOUNDED = { maxBytes: Number.POSITIVE_INFINITY, bytesOf: () => 0 };

/** An answer's items, filled within its budget (none given: without a bound). */
export class BudgetedItems<T> {
  readonly items: T[] = [];
  private bytes = 0;

  constructor(private readonly budget: AnswerBudget<T> = UNBOUNDED) {}

  /** Takes the item if it fits (the first always does); false when the answer is full. */
  offer(item: T): boolean {
    const itemBytes = this.budget.bytesOf(item);
    if (this.items.length > 0 && this.bytes + itemBytes > this.budget.maxBytes) return false;
    this.items.push(item);
    this.bytes += itemBytes;
    return true;
  }
}
