/**
 * What one answer may carry at the HTTP edge. Lambda answers at most 6 MB, and its runtime
 * serializes the answer's body string once more (each `"` and `\` of the JSON becomes two bytes):
 * the changes feed's, a history's and an export's answers stay under this many bytes of items, counted in
 * that doubly serialized form.
 */
import type { HistoryEntry } from '../domain/meeting-history.js';
import type { AnswerBudget } from '../use-cases/answer-budget.js';
import type { ExportedMeeting } from '../use-cases/privacy-use-cases.js';

export const MAX_ANSWER_ITEMS_BYTES = 5 * 1024 * 1024;

const doublySerializedBytes = (item: unknown) => Buffer.byteLength(JSON.stringify(JSON.stringify(item)));

export const CHANGES_ANSWER_BUDGET: AnswerBudget = {
  maxBytes: MAX_ANSWER_ITEMS_BYTES,
  bytesOf: doublySerializedBytes,
};

export const HISTORY_ANSWER_BUDGET: AnswerBudget<HistoryEntry> = {
  maxBytes: MAX_ANSWER_ITEMS_BYTES,
  bytesOf: doublySerializedBytes,
};

export const EXPORT_ANSWER_BUDGET: AnswerBudget<ExportedMeeting> = {
  maxBytes: MAX_ANSWER_ITEMS_BYTES,
  bytesOf: doublySerializedBytes,
};
