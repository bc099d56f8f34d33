/**
 * What bench:search measures besides latency: the DynamoDB usage of a stretch of work, the heap a
 * search holds, and the function's own work per index entry.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { searchableText, type Meeting } from '../../shared/domain/meeting.js';
import { PageSelector, toSearchEntry, type SearchEntry } from '../../shared/domain/search.js';
import { searchCriteria } from '../../support/fixtures.js';

export interface Usage {
  rcu: number;
  itemsRead: number;
  calls: number;
  batchGets: number;
}

/** The parts of a DynamoDB answer that say what it cost. */
export type MeteredOutput = {
  ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
  ScannedCount?: number;
  Responses?: Record<string, unknown[]>;
};

/** Adds up the usage of the calls made while a measurement runs. */
export class UsageMeter {
  private current: Usage | undefined;

  /**
   * The service's calls: a middleware on the client's stack asks each for its consumed capacity
   * and counts what it read, while a measurement runs.
   */
  attach(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const usage = this.current;
        if (!usage) return next(args);
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        add(
          usage,
          context.commandName === 'BatchGetItemCommand' ? 'BatchGetItem' : String(context.commandName),
          result.output as MeteredOutput,
        );
        return result;
      },
      { step: 'initialize', name: 'benchMeter' },
    );
  }

  /** Counts a call made through another client (one that carries no meter). */
  record(operation: string, output: MeteredOutput): void {
    if (this.current) add(this.current, operation, output);
  }

  /** The usage of the calls made while `work` runs. */
  async measure(work: () => Promise<void>): Promise<Usage> {
    const usage: Usage = { rcu: 0, itemsRead: 0, calls: 0, batchGets: 0 };
    this.current = usage;
    try {
      await work();
    } finally {
      this.current = undefined;
    }
    return usage;
  }
}

function add(usage: Usage, operation: string, output: MeteredOutput): void {
  usage.calls++;
  for (const c of [output.ConsumedCapacity ?? []].flat()) usage.rcu += c.CapacityUnits ?? 0;
  if (operation === 'BatchGetItem') {
    usage.batchGets++;
    usage.itemsRead += Object.values(output.Responses ?? {}).reduce((n, items) => n + items.length, 0);
  } else usage.itemsRead += output.ScannedCount ?? 0;
}

/** A full collection before a heap measurement (the flag can be set at run time; `gc` then exists in a new context). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The most heap held while `work` runs, sampled in this process, above what the process held when
 * it started (after a full collection: what earlier steps left behind stays out of the figure).
 */
export async function peakHeapDuring(work: () => Promise<void>): Promise<number> {
  collectGarbage();
  const heapAtStart = process.memoryUsage().heapUsed;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed - heapAtStart);
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return peak;
}

/**
 * The function's own work per index entry of a broad search, without DynamoDB: parsing 1 MB pages
 * of entries as they come over the wire, unmarshalling them and offering them to the page selector
 * (a figure for docs/scaling.md, not a goal).
 */
export function evaluationCost(meetings: Meeting[]): string {
  if (meetings.length === 0) return '';
  const entries = meetings.map((m) => toSearchEntry(m, searchableText(m)));
  const wirePage = JSON.stringify({ Items: entries.slice(0, 1_600).map((e) => marshall(e)) }); // about 1 MB
  const pages = Math.ceil(200_000 / 1_600);
  const criteria = searchCriteria({
    startIndex: 9_950,
    size: 50,
    sort: [{ field: 'modificationTime', direction: 'desc' }],
  });
  const t0 = performance.now();
  const selector = new PageSelector(criteria);
  for (let p = 0; p < pages; p++) {
    const { Items } = JSON.parse(wirePage) as { Items: Parameters<typeof unmarshall>[0][] };
    for (const item of Items) selector.offer(unmarshall(item) as SearchEntry);
  }
  const perEntryMicros = ((performance.now() - t0) * 1000) / (pages * 1_600);
  return `evaluation in the function: ${perEntryMicros.toFixed(2)} µs per index entry (JSON parse + unmarshall + filter + top-${criteria.startIndex + criteria.size}, ${pages * 1_600} entries of ${Math.round(wirePage.length / 1_600)} B on the wire, this machine)`;
}
