/**
 * What one answer may carry at the HTTP edge. Lambda answers at most 6 MB, and its runtime
 * serializes the answer's body string once more (each `"` and `\` of the JSON becomes two bytes):
 * the changes feed's answer stays under this many bytes of changes, counted in that doubly
 * serialized form.
 */
import type { AnswerBudget } from '../use-cases/meeting-use-cases.js';

export const MAX_CHANGES_BYTES = 5 * 1024 * 1024;

export const CHANGES_ANSWER_BUDGET: AnswerBudget = {
  maxBytes: MAX_CHANGES_BYTES,
  bytesOf: (change) => Buffer.byteLength(JSON.stringify(JSON.stringify(change))),
};
