/**
 * npm run bench:search: seeds DynamoDB Local with N meetings of one tenant (default N = 1,000 then
 * 20,000; BENCH_SIZES=1000,20000) over 50 offices, 500 agents and 20,000 parties, runs a fixed mix
 * of searches through the real use case and adapter, and prints per search kind and N the read
 * capacity consumed (ReturnConsumedCapacity), items read, DynamoDB calls and p50/p95 latency,
 * beside a plain Scan + filter baseline. PASS/FAIL per goal; exit 1 on a FAIL.
 *
 * The probe office, agent and party have 20 meetings each, all seeded before the first N, so the
 * match sets of the driven searches stay fixed while N grows.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startDynamoDbLocal, stopOnSignals } from '../local/dynamodb-local.js';
import { readStorageConfig } from '../shared/config.js';
import { searchableText, type Meeting, type MeetingInput } from '../shared/domain/meeting.js';
import { matches, selectPage, toSearchEntry, type SearchCriteria } from '../shared/domain/search.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository, NO_WRITE_DEADLINE } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { searchMeetings } from '../shared/use-cases/meeting-use-cases.js';
import { meetingOf, searchCriteria } from '../test/support/fixtures.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,20000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 15);
const TENANT = 'bench-tenant';
const PROBE_MEETINGS = 20;
const WINDOW = { visitTimeAfter: '2026-03-01T00:00:00.000Z', visitTimeBefore: '2026-09-01T00:00:00.000Z' };

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
const offices = ids(50);
const agents = ids(500);
const parties = ids(20_000);
const probe = { office: randomUUID(), agent: randomUUID(), party: randomUUID() };
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const STATUSES = ['WAITING', 'WON', 'LOST', 'CANCELLED'] as const;

let sequence = 0;
function meeting(overrides: Partial<MeetingInput> = {}): Meeting {
  // visitTimes spread over 2025-2027; probes over 2026 so that the window holds about half of them
  const visit = new Date(Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 3 * 365 * 86_400_000)).toISOString();
  const now = new Date(Date.UTC(2026, 0, 1) + sequence++ * 1000).toISOString();
  const agentCount = 1 + Math.floor(Math.random() * 2);
  const partyCount = 1 + Math.floor(Math.random() * 2);
  const input: MeetingInput = {
    typeCode: Math.random() < 0.5 ? 'SALES_MEETING' : 'EVALUATION_VISIT',
    statusCode: pick([...STATUSES]),
    parties: [...new Set(Array.from({ length: partyCount }, () => pick(parties)))].map((partyId) => ({
      partyId,
      partyTypeCode: 'PERSON_PARTY' as const,
    })),
    visitTime: visit,
    agencyOfficeId: pick(offices),
    agents: [...new Set(Array.from({ length: agentCount }, () => pick(agents)))].map((agentId) => ({ agentId })),
    sourceTypeCode: 'ETUOVI',
    meetingRealty: { categoryCode: 'SALE', streetAddress: `Testikatu ${sequence}`, postalArea: 'Helsinki' },
    notes: 'Benchmark meeting with a few words of notes.',
    ...overrides,
  };
  return meetingOf(input, { creationTime: now });
}

function probeMeetings(): Meeting[] {
  const inWindowOrNot = (i: number) => new Date(Date.UTC(2026, 0, 15) + i * 17 * 86_400_000).toISOString(); // Jan..Dec 2026
  return [
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ agencyOfficeId: probe.office, visitTime: inWindowOrNot(i) }),
    ),
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ agents: [{ agentId: probe.agent }], visitTime: inWindowOrNot(i) }),
    ),
    ...Array.from({ length: PROBE_MEETINGS }, (_, i) =>
      meeting({ parties: [{ partyId: probe.party, partyTypeCode: 'ESTATE_PARTY' }], visitTime: inWindowOrNot(i) }),
    ),
  ];
}

interface Usage {
  rcu: number;
  itemsRead: number;
  calls: number;
  batchGets: number;
}

const SEARCHES: Array<{ kind: string; criteria: Partial<SearchCriteria>; goal: boolean }> = [
  { kind: 'agentId', criteria: { agentId: [probe.agent] }, goal: true },
  { kind: 'partyId', criteria: { partyId: [probe.party] }, goal: true },
  { kind: 'agencyOfficeId', criteria: { agencyOfficeId: [probe.office] }, goal: true },
  { kind: 'agentId+window', criteria: { agentId: [probe.agent], ...WINDOW }, goal: true },
  { kind: 'partyId+window', criteria: { partyId: [probe.party], ...WINDOW }, goal: true },
  { kind: 'officeId+window', criteria: { agencyOfficeId: [probe.office], ...WINDOW }, goal: true },
  { kind: 'window only', criteria: { ...WINDOW }, goal: false },
  { kind: 'statusCode only', criteria: { statusCode: ['WON'] }, goal: false },
];

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function main() {
  const db = await startDynamoDbLocal();
  stopOnSignals(db);
  try {
    const tableName = `bench-${Date.now()}`;
    await ensureTable(db.endpoint, tableName);
    // DynamoDB Local answers a full 1 MB page (the Scan baseline) slower than DynamoDB does.
    const local = readStorageConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: db.endpoint });
    const client = createDocumentClient({ ...local, requestTimeoutMs: 60_000 });
    let usage: Usage = { rcu: 0, itemsRead: 0, calls: 0, batchGets: 0 };
    let metering = false;
    type Output = {
      ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }>;
      ScannedCount?: number;
      Responses?: Record<string, unknown[]>;
    };
    const meter = (operation: string, output: Output) => {
      usage.calls++;
      for (const c of [output.ConsumedCapacity ?? []].flat()) usage.rcu += c.CapacityUnits ?? 0;
      if (operation === 'BatchGetItem') {
        usage.batchGets++;
        usage.itemsRead += Object.values(output.Responses ?? {}).reduce((n, items) => n + items.length, 0);
      } else usage.itemsRead += output.ScannedCount ?? 0;
    };
    // The service's calls: a middleware on the client's stack asks each for its consumed capacity
    // and counts what it read.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!metering) return next(args);
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        meter(
          context.commandName === 'BatchGetItemCommand' ? 'BatchGetItem' : String(context.commandName),
          result.output as Output,
        );
        return result;
      },
      { step: 'initialize', name: 'benchMeter' },
    );
    // The Scan baseline goes through a plain client.
    const scanner = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: local.localCredentials }),
    );
    // Seeded with made-up past modification times: no write deadline.
    const repository = new DynamoDbMeetingRepository(client, tableName, NO_WRITE_DEADLINE);

    const seed = async (meetings: Meeting[]) => {
      for (let i = 0; i < meetings.length; i += 16)
        await Promise.all(meetings.slice(i, i + 16).map((m) => repository.create(TENANT, m)));
    };

    const results: Array<{
      n: number;
      kind: string;
      goal: boolean;
      api: Usage & { p50: number; p95: number; pageSize: number; total: number };
      scan: Usage;
    }> = [];
    let seeded = 0;
    for (const n of SIZES) {
      const started = Date.now();
      const batch =
        seeded === 0
          ? [...probeMeetings(), ...Array.from({ length: n - 3 * PROBE_MEETINGS }, () => meeting())]
          : Array.from({ length: n - seeded }, () => meeting());
      await seed(batch);
      seeded = n;
      console.error(`seeded ${n} meetings (${((Date.now() - started) / 1000).toFixed(0)} s)`);

      // Baseline: one plain Scan of the table per N (its cost does not depend on the filter);
      // each search kind then filters the scanned meetings in memory and fetches its page.
      usage = { rcu: 0, itemsRead: 0, calls: 0, batchGets: 0 };
      metering = true;
      const scannedMeetings: Meeting[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const scanned = await scanner.send(
          new ScanCommand({ TableName: tableName, ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL' }),
        );
        meter('Scan', scanned);
        for (const item of scanned.Items ?? []) {
          if (item.sk === 'MEETING' && item.meeting && String(item.pk).startsWith(`TENANT#${TENANT}#`))
            scannedMeetings.push(item.meeting as Meeting);
        }
        ExclusiveStartKey = scanned.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      metering = false;
      const scanUsage = usage;
      const scanEntries = scannedMeetings.map((m) => toSearchEntry(m, searchableText(m)));

      for (const search of SEARCHES) {
        const criteria = searchCriteria(search.criteria);
        const latencies: number[] = [];
        let api: Usage = usage;
        let page = { meetings: [] as Meeting[], totalCount: 0 };
        // Whole-tenant searches (no goal) are slow on DynamoDB Local: fewer repeats.
        for (let r = 0; r < (search.goal ? REPEAT : 3); r++) {
          usage = { rcu: 0, itemsRead: 0, calls: 0, batchGets: 0 };
          metering = true;
          const t0 = performance.now();
          page = await searchMeetings({ repository }, TENANT, criteria);
          latencies.push(performance.now() - t0);
          metering = false;
          api = usage;
        }
        usage = { rcu: 0, itemsRead: 0, calls: 0, batchGets: 0 };
        metering = true;
        const { pageIds, totalCount } = selectPage(
          scanEntries.filter((e) => matches(e, criteria)),
          criteria,
        );
        if (pageIds.length) await repository.getMany(TENANT, pageIds);
        metering = false;
        const baseline = {
          rcu: scanUsage.rcu + usage.rcu,
          itemsRead: scanUsage.itemsRead + usage.itemsRead,
          calls: scanUsage.calls + usage.calls,
          batchGets: usage.batchGets,
        };
        if (totalCount !== page.totalCount)
          throw new Error(`${search.kind}: index search counted ${page.totalCount}, scan ${totalCount}`);
        results.push({
          n,
          kind: search.kind,
          goal: search.goal,
          api: {
            ...api,
            p50: percentile(latencies, 0.5),
            p95: percentile(latencies, 0.95),
            pageSize: page.meetings.length,
            total: page.totalCount,
          },
          scan: baseline,
        });
      }
    }

    console.log(
      `\nsearch cost per kind and N (one tenant; ${REPEAT} runs for latency; RCU as reported by DynamoDB Local)`,
    );
    console.log(
      [
        'kind'.padEnd(16),
        'N'.padStart(6),
        'matches'.padStart(8),
        'RCU'.padStart(8),
        'items'.padStart(7),
        'calls'.padStart(6),
        'batchGet'.padStart(9),
        'p50 ms'.padStart(7),
        'p95 ms'.padStart(7),
        'scan RCU'.padStart(9),
        'vs scan'.padStart(8),
      ].join(' '),
    );
    for (const r of results) {
      console.log(
        [
          r.kind.padEnd(16),
          String(r.n).padStart(6),
          String(r.api.total).padStart(8),
          r.api.rcu.toFixed(1).padStart(8),
          String(r.api.itemsRead).padStart(7),
          String(r.api.calls).padStart(6),
          String(r.api.batchGets).padStart(9),
          r.api.p50.toFixed(1).padStart(7),
          r.api.p95.toFixed(1).padStart(7),
          r.scan.rcu.toFixed(1).padStart(9),
          `${((100 * r.api.rcu) / r.scan.rcu).toFixed(2)}%`.padStart(8),
        ].join(' '),
      );
    }

    const small = Math.min(...SIZES);
    const large = Math.max(...SIZES);
    const driven = results.filter((r) => r.goal);
    const at = (n: number, kind: string) => driven.find((r) => r.n === n && r.kind === kind)!;
    const kinds = [...new Set(driven.map((r) => r.kind))];
    const growth = kinds.map((kind) => ({ kind, ratio: at(large, kind).api.rcu / at(small, kind).api.rcu }));
    const share = kinds.map((kind) => ({ kind, pct: (100 * at(large, kind).api.rcu) / at(large, kind).scan.rcu }));
    const goals = [
      {
        name: `driven searches: RCU grows <= 1.2x from N=${small} to N=${large} (worst ${Math.max(...growth.map((g) => g.ratio)).toFixed(2)}x, ${growth.reduce((a, b) => (b.ratio > a.ratio ? b : a)).kind})`,
        ok: growth.every((g) => g.ratio <= 1.2),
      },
      {
        name: `driven searches at N=${large}: <= 5% of the Scan baseline's RCU (worst ${Math.max(...share.map((s) => s.pct)).toFixed(2)}%)`,
        ok: share.every((s) => s.pct <= 5),
      },
      {
        name: 'a returned page costs exactly one BatchGetItem beyond the index reads',
        ok: results.every((r) => (r.api.pageSize > 0 ? r.api.batchGets === 1 : r.api.batchGets === 0)),
      },
    ];
    console.log('');
    for (const goal of goals) console.log(`${goal.ok ? 'PASS' : 'FAIL'} ${goal.name}`);
    process.exitCode = goals.every((g) => g.ok) ? 0 : 1;
  } finally {
    await db.stop();
  }
}

await main();
