/**
 * npm run bench:search: seeds DynamoDB Local with N meetings of one tenant (default N = 2,000 then
 * 40,000; BENCH_SIZES=2000,40000) over 50 offices, 500 agents and 20,000 parties, runs a fixed mix
 * of searches through the real use case and adapter, and prints per search kind and N the read
 * capacity consumed (ReturnConsumedCapacity), items read, DynamoDB calls and p50/p95 latency,
 * beside a plain Scan + filter baseline. PASS/FAIL per goal; exit 1 on a FAIL.
 *
 * Fixed probe sets of 20, all seeded before the first N so that their match sets stay fixed while
 * N grows: a probe office, agent and party; 20 CANCELLED meetings (every other meeting is WAITING,
 * WON or LOST); a probe word in 20 meetings' notes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readStorageConfig } from '../shared/config.js';
import { searchableText, type Meeting } from '../shared/domain/meeting.js';
import { matches, selectPage, toSearchEntry } from '../shared/domain/search.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository, NO_WRITE_DEADLINE } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { searchMeetings } from '../shared/use-cases/meeting-use-cases.js';
import { searchCriteria } from '../support/fixtures.js';
import { evaluationCost, peakHeapDuring, UsageMeter, type Usage } from './bench/search-meter.js';
import { BROADEST, meetingsUpTo, SEARCHES, TENANT, type Kind, type Search } from './bench/search-workload.js';
import { startLocalTable, storeMeetings } from './bench/seed.js';
import { percentile } from './bench/stats.js';
import { printTable } from './bench/table.js';
import { reportGoals, type Goal } from './bench/verdicts.js';

const SIZES = (process.env.BENCH_SIZES ?? '2000,40000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 15);
const MiB = 1024 * 1024;

/** The table, the metered service path to it, and a plain client for the Scan baseline. */
type Storage = Awaited<ReturnType<typeof startStorage>>;
/** The Scan baseline of one N: what the scan cost, and the tenant's meetings it found. */
type Baseline = Awaited<ReturnType<typeof scanBaseline>>;

interface Result {
  n: number;
  kind: string;
  type: Kind;
  api: Usage & { p50: number; p95: number; pageSize: number; total: number };
  scan: Usage;
  /** Index entries in the driving range (broad searches). */
  inRange?: number;
}

/** What the whole run gathers for the report. */
interface Findings {
  results: Result[];
  refused: string[];
  broadestPeakHeap: number;
  seedingSeconds: string[];
  largestTenant: Meeting[];
}

// The searches run through the service's own client and repository, metered, as deployed.
async function startStorage() {
  const tableName = `bench-${Date.now()}`;
  const db = await startLocalTable(tableName);
  // DynamoDB Local answers a full 1 MB page (the Scan baseline) slower than DynamoDB does.
  const local = readStorageConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: db.endpoint });
  const client = createDocumentClient({ ...local, requestTimeoutMs: 60_000 });
  const meter = new UsageMeter();
  meter.attach(client);
  // The Scan baseline goes through a plain client.
  const scanner = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: local.localCredentials }),
  );
  // Seeded with made-up past modification times: no write deadline.
  const repository = new DynamoDbMeetingRepository(client, tableName, NO_WRITE_DEADLINE);
  return { db, tableName, repository, meter, scanner };
}

// The tenant grows to each N in turn, so that the probes' match sets stay the same at every N.
async function seedMeetings(storage: Storage, n: number, seeded: number, findings: Findings): Promise<void> {
  const started = Date.now();
  await storeMeetings(storage.repository, TENANT, meetingsUpTo(n, seeded));
  findings.seedingSeconds.push(`${n} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.error(`seeded ${n} meetings (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

// What a search costs without indexes: one plain Scan of the table per N (its cost does not depend
// on the filter); each search kind then filters the scanned meetings in memory.
async function scanBaseline(storage: Storage) {
  const meetings: Meeting[] = [];
  const usage = await storage.meter.measure(async () => {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const scanned = await storage.scanner.send(
        new ScanCommand({ TableName: storage.tableName, ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL' }),
      );
      storage.meter.record('Scan', scanned);
      for (const item of scanned.Items ?? []) {
        if (item.sk === 'MEETING' && item.meeting && String(item.pk).startsWith(`TENANT#${TENANT}#`))
          meetings.push(item.meeting as Meeting);
      }
      ExclusiveStartKey = scanned.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  });
  return { usage, meetings, entries: meetings.map((m) => toSearchEntry(m, searchableText(m))) };
}

// Latency needs repeats; the usage is the last repeat's (every repeat reads the same). A refusal is
// recorded for the goals instead of stopping the run.
async function timeSearch(storage: Storage, n: number, search: Search, findings: Findings) {
  const criteria = searchCriteria(search.criteria);
  const latencies: number[] = [];
  let api: Usage | undefined;
  let page = { meetings: [] as Meeting[], totalCount: 0 };
  let failed = false;
  const once = async () => {
    const t0 = performance.now();
    try {
      page = await searchMeetings({ repository: storage.repository }, TENANT, criteria);
    } catch (error) {
      findings.refused.push(`${search.kind} at N=${n}: ${String(error)}`);
      failed = true;
    }
    latencies.push(performance.now() - t0);
  };
  // The broadest search at the largest N is where the heap bound matters.
  const measured = search.kind === BROADEST && n === Math.max(...SIZES);
  // Broad searches are slow on DynamoDB Local: fewer repeats.
  for (let r = 0; r < (search.type === 'broad' ? 3 : REPEAT); r++) {
    api = await storage.meter.measure(async () => {
      if (!measured) return once();
      findings.broadestPeakHeap = Math.max(findings.broadestPeakHeap, await peakHeapDuring(once));
    });
  }
  return failed ? undefined : { api: api!, latencies, page };
}

// The index answer must be the Scan's answer, or its cost means nothing; the Scan side then pays
// for fetching the same page.
async function compareWithScan(
  storage: Storage,
  n: number,
  search: Search,
  baseline: Baseline,
  { api, latencies, page }: NonNullable<Awaited<ReturnType<typeof timeSearch>>>,
): Promise<Result> {
  const criteria = searchCriteria(search.criteria);
  let selected = { pageIds: [] as string[], totalCount: 0 };
  const usage = await storage.meter.measure(async () => {
    selected = selectPage(
      baseline.entries.filter((e) => matches(e, criteria)),
      criteria,
    );
    if (selected.pageIds.length) await storage.repository.getMany(TENANT, selected.pageIds);
  });
  const { pageIds, totalCount } = selected;
  if (totalCount !== page.totalCount)
    throw new Error(`${search.kind}: index search counted ${page.totalCount}, scan ${totalCount}`);
  if (pageIds.join() !== page.meetings.map((m) => m.meetingId).join())
    throw new Error(`${search.kind}: index search and scan disagree on the page`);
  return {
    n,
    kind: search.kind,
    type: search.type,
    inRange: search.inRange && baseline.meetings.filter(search.inRange).length,
    api: {
      ...api,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      pageSize: page.meetings.length,
      total: page.totalCount,
    },
    scan: {
      rcu: baseline.usage.rcu + usage.rcu,
      itemsRead: baseline.usage.itemsRead + usage.itemsRead,
      calls: baseline.usage.calls + usage.calls,
      batchGets: usage.batchGets,
    },
  };
}

// Every search kind at this N, each beside the Scan baseline.
async function runSearches(storage: Storage, n: number, baseline: Baseline, findings: Findings): Promise<void> {
  for (const search of SEARCHES) {
    const timed = await timeSearch(storage, n, search, findings);
    if (!timed) continue; // reported by the "no search refused" line
    findings.results.push(await compareWithScan(storage, n, search, baseline, timed));
  }
}

// One row per search kind and N, in the columns other tooling reads.
function printResults(results: Result[]): void {
  console.log(
    `\nsearch cost per kind and N (one tenant; ${REPEAT} runs for latency; RCU as reported by DynamoDB Local)`,
  );
  printTable<Result>(
    [
      { title: 'kind', width: 18, align: 'left', cell: (r) => r.kind },
      { title: 'N', width: 6, align: 'right', cell: (r) => String(r.n) },
      { title: 'matches', width: 8, align: 'right', cell: (r) => String(r.api.total) },
      { title: 'RCU', width: 8, align: 'right', cell: (r) => r.api.rcu.toFixed(1) },
      { title: 'items', width: 7, align: 'right', cell: (r) => String(r.api.itemsRead) },
      { title: 'calls', width: 6, align: 'right', cell: (r) => String(r.api.calls) },
      { title: 'batchGet', width: 9, align: 'right', cell: (r) => String(r.api.batchGets) },
      { title: 'p50 ms', width: 7, align: 'right', cell: (r) => r.api.p50.toFixed(1) },
      { title: 'p95 ms', width: 7, align: 'right', cell: (r) => r.api.p95.toFixed(1) },
      { title: 'scan RCU', width: 9, align: 'right', cell: (r) => r.scan.rcu.toFixed(1) },
      { title: 'vs scan', width: 8, align: 'right', cell: (r) => `${((100 * r.api.rcu) / r.scan.rcu).toFixed(2)}%` },
      { title: 'in range', width: 9, align: 'right', cell: (r) => (r.inRange === undefined ? '' : String(r.inRange)) },
    ],
    results,
  );
}

// Figures for the docs, not goals: how long seeding took and what the function's own work costs.
function printFigures(findings: Findings, benchStarted: number): void {
  console.log(
    `\nseeding: ${findings.seedingSeconds.join(', ')} (cumulative N, this machine, DynamoDB Local); whole benchmark ${((Date.now() - benchStarted) / 1000).toFixed(0)} s`,
  );
  console.log(evaluationCost(findings.largestTenant));
  console.log('');
}

// The goals compare the smallest and the largest N: growth with N, and the share of the Scan's cost.
function goalsOf({ results, refused, broadestPeakHeap }: Findings): Goal[] {
  const small = Math.min(...SIZES);
  const large = Math.max(...SIZES);
  const at = (n: number, kind: string) => results.find((r) => r.n === n && r.kind === kind)!;
  const kindsOf = (type: Kind) => [...new Set(results.filter((r) => r.type === type).map((r) => r.kind))];
  const growthOf = (type: Kind) => {
    const growth = kindsOf(type).map((kind) => ({ kind, ratio: at(large, kind).api.rcu / at(small, kind).api.rcu }));
    const worst = growth.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    return { ok: growth.every((g) => g.ratio <= 1.2), text: `worst ${worst.ratio.toFixed(2)}x, ${worst.kind}` };
  };
  const shareOf = (type: Kind) => {
    const share = kindsOf(type).map((kind) => (100 * at(large, kind).api.rcu) / at(large, kind).scan.rcu);
    return { ok: share.every((pct) => pct <= 5), text: `worst ${Math.max(...share).toFixed(2)}%` };
  };
  const broad = results.filter((r) => r.type === 'broad');
  const readOnce = broad.map((r) => ({ r, ratio: (r.api.itemsRead - r.api.pageSize) / Math.max(1, r.inRange!) }));
  const worstReadOnce = readOnce.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return [
    {
      name: `driven searches: RCU grows <= 1.2x from N=${small} to N=${large} (${growthOf('driven').text})`,
      ok: growthOf('driven').ok,
    },
    {
      name: `driven searches at N=${large}: <= 5% of the Scan baseline's RCU (${shareOf('driven').text})`,
      ok: shareOf('driven').ok,
    },
    {
      name: 'a returned page costs exactly one BatchGetItem beyond the index reads',
      ok: results.every((r) => (r.api.pageSize > 0 ? r.api.batchGets === 1 : r.api.batchGets === 0)),
    },
    {
      name: `status-driven searches: RCU grows <= 1.2x from N=${small} to N=${large} (${growthOf('status').text})`,
      ok: growthOf('status').ok,
    },
    {
      name: `status-driven searches at N=${large}: <= 5% of the Scan baseline (${shareOf('status').text})`,
      ok: shareOf('status').ok,
    },
    {
      name: `broad searches read each index entry at most once (items read <= 1.1 x entries in range + page; worst ${worstReadOnce.ratio.toFixed(3)}x, ${worstReadOnce.r.kind} at N=${worstReadOnce.r.n})`,
      ok: readOnce.every(({ ratio }) => ratio <= 1.1),
    },
    {
      name: `no search refused at N=${large} (every query of the benchmark answers 200${refused.length ? `; refused: ${refused.join('; ')}` : ''})`,
      ok: refused.length === 0,
    },
    {
      name: `peak heap of the broadest search <= 256 MiB (measured in the process that runs it: ${(broadestPeakHeap / MiB).toFixed(1)} MiB above its start, "${BROADEST}" at N=${large})`,
      ok: broadestPeakHeap > 0 && broadestPeakHeap <= 256 * MiB,
    },
  ];
}

async function main() {
  const benchStarted = Date.now();
  const storage = await startStorage();
  try {
    const findings: Findings = { results: [], refused: [], broadestPeakHeap: 0, seedingSeconds: [], largestTenant: [] };
    let seeded = 0;
    for (const n of SIZES) {
      await seedMeetings(storage, n, seeded, findings);
      seeded = n;
      const baseline = await scanBaseline(storage);
      findings.largestTenant = baseline.meetings;
      await runSearches(storage, n, baseline, findings);
    }
    printResults(findings.results);
    printFigures(findings, benchStarted);
    reportGoals(goalsOf(findings));
  } finally {
    await storage.db.stop();
  }
}

await main();
