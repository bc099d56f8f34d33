/**
 * Importing a file of meetings (contract-calendar-import.md, "Bulk create"): one meeting JSON per
 * line, each line's idempotency key from its `idempotencyKey` field or the SHA-256 of the line, sent
 * in batches of up to 100 through POST /meetings/batch, retried with backoff on 503 and network
 * errors, and every line accounted for: created, replayed or failed (with its error).
 */
import { createHash } from 'node:crypto';
import { MeetingApiError, type createMeetingApiClient, type MeetingInput } from '../../clients/typescript/index.js';
import { forEachConcurrently } from '../../shared/concurrency.js';

type MeetingApi = ReturnType<typeof createMeetingApiClient>;

/** Items in a batch at most (the API's limit). */
export const BATCH_ITEMS = 100;
/** A batch's body stays under this, well inside the API's 5 MiB. */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Tries of one item (or one whole batch) before its line is reported failed. */
const MAX_ATTEMPTS = 8;
/** How far the service's clock may be behind ours when telling our own create from an earlier run's. */
const CLOCK_SKEW_MS = 1_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface LineFailure {
  /** 1-based, as editors number lines. */
  line: number;
  status?: number;
  error: string;
  /** The house error body, when the API answered one. */
  body?: unknown;
  /** The line itself, to fix and import again. */
  text: string;
}

export interface ImportCounts {
  created: number;
  replayed: number;
  failed: number;
  total: number;
}

interface PendingItem {
  line: number;
  idempotencyKey: string;
  meeting: MeetingInput;
  bytes: number;
  /**
   * When the first try that may have written it was sent: no answer came, or 503 (a write can land
   * after its timeout).
   */
  uncertainSince?: number;
}

/** A line as an item to send, or why it cannot be one (then it is not sent). */
export function itemOfLine(text: string, line: number): PendingItem | LineFailure {
  if (!text.trim()) return { line, error: 'the line is empty', text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: 'the line is not JSON', text };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { line, error: 'the line is not a JSON object (one meeting per line)', text };
  const { idempotencyKey, ...meeting } = value as Record<string, unknown>;
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !KEY_PATTERN.test(idempotencyKey)))
    return { line, error: 'idempotencyKey must be 1 to 255 printable ASCII characters', text };
  return {
    line,
    idempotencyKey: idempotencyKey ?? createHash('sha256').update(text).digest('hex'),
    meeting: meeting as MeetingInput,
    bytes: Buffer.byteLength(text) + 400,
  };
}

/** The file's lines: a final newline ends the last line rather than starting an empty one. */
export function linesOf(content: string): string[] {
  const lines = content.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Consecutive items in batches of at most BATCH_ITEMS and BATCH_BYTES. */
export function batchesOf<T extends { bytes: number }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length && (current.length === BATCH_ITEMS || bytes + item.bytes > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length) batches.push(current);
  return batches;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Exponential backoff with full jitter, capped; never sooner than the service asked (Retry-After, up to a minute). */
const backoffMs = (attempt: number, retryAfterSeconds = 0) =>
  Math.max(Math.min(retryAfterSeconds, 60) * 1000, Math.random() * Math.min(20_000, 250 * 2 ** attempt));

/** What is worth trying again: the service unavailable, or no answer at all. */
export function isTransient(error: unknown): boolean {
  if (error instanceof MeetingApiError) return [429, 502, 503, 504].includes(error.status);
  return error instanceof TypeError; // fetch's network failure
}

export interface ImportOptions {
  api: MeetingApi;
  lines: readonly string[];
  /** Batches in flight at once. */
  concurrency: number;
  /** After each batch is settled: lines done so far. */
  onProgress?: (done: number, counts: ImportCounts) => void;
}

export async function importLines({ api, lines, concurrency, onProgress }: ImportOptions) {
  const counts: ImportCounts = { created: 0, replayed: 0, failed: 0, total: lines.length };
  const failures: LineFailure[] = [];
  const items: PendingItem[] = [];
  const fail = (failure: Omit<LineFailure, 'text'>) => {
    failures.push({ ...failure, text: lines[failure.line - 1]! });
    counts.failed++;
  };
  lines.forEach((text, index) => {
    const item = itemOfLine(text, index + 1);
    if ('error' in item) fail(item);
    else items.push(item);
  });
  let done = counts.failed;
  onProgress?.(done, counts);

  /**
   * A replay after an uncertain try: this run's own create when the meeting was created after that
   * try was sent (an earlier run's create is older); the service's answer, replayed, when that
   * cannot be read.
   */
  const createdByThisRun = async (item: PendingItem, meetingId: string): Promise<boolean> => {
    if (item.uncertainSince === undefined) return false;
    try {
      const { creationTime } = await api.getMeeting(meetingId);
      return Date.parse(creationTime) >= item.uncertainSince - CLOCK_SKEW_MS;
    } catch {
      return false;
    }
  };

  const sendBatch = async (batch: PendingItem[]) => {
    let pending = batch;
    for (let attempt = 1; pending.length; attempt++) {
      let retry: PendingItem[] = [];
      let retryAfterSeconds: number | undefined;
      const sentAt = Date.now();
      try {
        const { results } = await api.createMeetingsBatch(
          pending.map(({ idempotencyKey, meeting }) => ({ idempotencyKey, meeting })),
        );
        const outcomes = results.map(async (result, index) => {
          const item = pending[index]!;
          if (result.status === 201) {
            if (!result.replayed) counts.created++;
            else if (await createdByThisRun(item, result.meetingId!)) counts.created++;
            else counts.replayed++;
          } else if (result.status === 503 && attempt < MAX_ATTEMPTS) {
            item.uncertainSince ??= sentAt;
            retry.push(item);
          } else
            fail({
              line: item.line,
              status: result.status,
              error: result.error ? `${result.error.errorCode}: ${result.error.message}` : `status ${result.status}`,
              body: result.error,
            });
        });
        await Promise.all(outcomes);
      } catch (error) {
        if (isTransient(error) && attempt < MAX_ATTEMPTS) {
          for (const item of pending) item.uncertainSince ??= sentAt;
          retry = pending;
          if (error instanceof MeetingApiError) retryAfterSeconds = error.retryAfterSeconds;
        } else
          for (const item of pending)
            fail(
              error instanceof MeetingApiError
                ? { line: item.line, status: error.status, error: error.message, body: error.body }
                : { line: item.line, error: `no answer: ${(error as Error).message}` },
            );
      }
      done += pending.length - retry.length;
      onProgress?.(done, counts);
      pending = retry;
      if (pending.length) await sleep(backoffMs(attempt, retryAfterSeconds));
    }
  };

  await forEachConcurrently(batchesOf(items), concurrency, sendBatch);
  failures.sort((a, b) => a.line - b.line);
  return { counts, failures };
}

export const summaryLine = (counts: ImportCounts) =>
  `created ${counts.created}, replayed ${counts.replayed}, failed ${counts.failed}, total ${counts.total}`;
