/**
 * npm run bench:load: the local runner (local/start.ts, a separate process) under a mixed workload
 * from autocannon on loopback, bounded in time (LOAD_SECONDS, default 60) and request count, then
 * the same mix straight against DynamoDB Local through the use cases and DynamoDB client, for comparison.
 * Prints throughput, p50/p95/p99 per operation and the errors; checks that every acknowledged
 * create is readable afterwards and every acknowledged delete is gone. PASS/FAIL; exit 1 on FAIL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import { freePort, type RunningDynamoDb } from '../local/dynamodb-local.js';
import { readStorageConfig } from '../shared/config.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { toApiError } from '../shared/http/error-mapping.js';
import { getMeeting, type MeetingDeps } from '../shared/use-cases/meeting-use-cases.js';
import {
  apiRequest,
  directOperation,
  EXPECTED,
  input,
  MIX,
  OPERATIONS,
  perOperation,
  POOL,
  TENANT,
  type Operation,
} from './bench/load-mix.js';
import { startLocalRunner } from './bench/local-runner.js';
import { createMeetings, inBatches, startLocalTable } from './bench/seed.js';
import { printTable } from './bench/table.js';
import { reportGoals, type Goal } from './bench/verdicts.js';

const hdr = createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js');
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const MAX_REQUESTS_PER_OPERATION = 200_000; // a hard bound besides the duration
const TABLE_NAME = 'load';
const histogram = () =>
  hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000,
    numberOfSignificantValueDigits: 3,
  });

/** What the API run leaves for the checks and the report. */
interface ApiRun {
  results: autocannon.Result[];
  seconds: number;
  latencies: Record<Operation, ReturnType<typeof histogram>>;
  errors: Record<Operation, number>;
  created: string[];
  deleted: string[];
  /** Deletes sent, acknowledged or not: one in flight when the run stops is applied but unanswered. */
  deleteSent: Set<string>;
}

// The checks and the direct mix use the same use cases the runner does, on the same table.
function useCases(db: RunningDynamoDb): MeetingDeps {
  const client = createDocumentClient({
    ...readStorageConfig({ TABLE_NAME, DYNAMODB_ENDPOINT: db.endpoint }),
    requestTimeoutMs: 30_000,
  });
  return { repository: new DynamoDbMeetingRepository(client, TABLE_NAME) };
}

// Gets and updates need meetings that exist before the load starts.
function seedMeetings(deps: MeetingDeps): Promise<string[]> {
  return createMeetings(deps, TENANT, POOL, input);
}

// Every operation at once, each on its own connections, bounded in time and count.
async function driveApi(url: string, token: string, deps: MeetingDeps, pool: string[]): Promise<ApiRun> {
  const run: ApiRun = {
    results: [],
    seconds: 0,
    latencies: perOperation(histogram),
    errors: perOperation(() => 0),
    created: [],
    deleted: [],
    deleteSent: new Set(),
  };
  // Deletes take a pre-seeded pool first, then every other acknowledged create.
  const deletable = await createMeetings(deps, TENANT, POOL, input);
  const nextDelete = () => {
    const id = deletable.shift();
    if (!id) throw new Error('the delete pool ran dry: seed more (POOL)');
    run.deleteSent.add(id);
    return id;
  };
  const onResponse = (operation: Operation, status: number, body: string, context: Record<string, unknown>) => {
    if (status !== EXPECTED[operation]) run.errors[operation]++;
    else if (operation === 'create') {
      const id = (JSON.parse(body) as { meetingId: string }).meetingId;
      run.created.push(id);
      if (run.created.length % 2 === 0) deletable.push(id);
    } else if (operation === 'delete') run.deleted.push(context.meetingId as string);
  };
  const headers = () => ({
    authorization: `Bearer ${token}`,
    'request-id': randomUUID(),
    'content-type': 'application/json',
  });
  const started = Date.now();
  run.results = await Promise.all(
    OPERATIONS.map(
      (operation) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          autocannon(
            {
              url,
              connections: MIX[operation],
              duration: SECONDS,
              maxOverallRequests: MAX_REQUESTS_PER_OPERATION, // (not `amount`: it would override the duration)
              timeout: 10,
              histograms: { latencies: run.latencies[operation] },
              requests: [
                {
                  setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => ({
                    ...request,
                    ...apiRequest(operation, pool, context, nextDelete),
                    headers: headers(),
                  }),
                  onResponse: (status: number, body: string, context: Record<string, unknown>) =>
                    onResponse(operation, status, body, context),
                },
              ],
            } as unknown as autocannon.Options,
            (error: Error | null, result) => (error ? reject(error) : resolve(result)),
          );
        }),
    ),
  );
  run.seconds = (Date.now() - started) / 1000;
  return run;
}

// No lost writes: every acknowledged create readable unless acknowledged deleted; every acknowledged delete gone.
async function checkAcknowledgedWrites(deps: MeetingDeps, run: ApiRun) {
  const gone = new Set(run.deleted);
  let lostCreates = 0;
  let undeleted = 0;
  await inBatches([...new Set([...run.created, ...run.deleted])], 32, async (id) => {
    const status = await getMeeting(deps, TENANT, id).then(
      () => 200,
      // as the API would answer: 404 unknown, 410 deleted
      (error: unknown) => toApiError(error).status,
    );
    if (gone.has(id) && status !== 410) undeleted++;
    // a create is lost when it cannot be read and no delete of it was ever sent
    if (!gone.has(id) && status !== 200 && !(status === 410 && run.deleteSent.has(id))) lostCreates++;
  });
  return { lostCreates, undeleted };
}

// The same mix straight against DynamoDB Local through the use cases: what the API's own layers cost.
async function runDirectMix(deps: MeetingDeps, pool: string[]): Promise<Record<Operation, number>> {
  const counts = perOperation(() => 0);
  const created: string[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    OPERATIONS.flatMap((operation) =>
      Array.from({ length: MIX[operation] }, async () => {
        while (Date.now() < deadline && counts[operation] < MAX_REQUESTS_PER_OPERATION) {
          await directOperation(deps, operation, pool, created);
          counts[operation]++;
        }
      }),
    ),
  );
  return counts;
}

const apiRate = (run: ApiRun) => run.results.reduce((n, r) => n + r.requests.total, 0) / run.seconds;
const directRate = (direct: Record<Operation, number>) => Object.values(direct).reduce((a, b) => a + b, 0) / SECONDS;

// One row per operation, in the columns other tooling reads, then the two throughputs side by side.
function printResults(run: ApiRun, direct: Record<Operation, number>): void {
  console.log(`\nload: ${SECONDS} s, connections per operation ${JSON.stringify(MIX)}, loopback`);
  const at = (operation: Operation, p: number) => String(run.latencies[operation].getValueAtPercentile(p));
  printTable<Operation>(
    [
      { title: 'operation', width: 10, align: 'left', cell: (o) => o },
      {
        title: 'requests',
        width: 9,
        align: 'right',
        cell: (o) => String(run.results[OPERATIONS.indexOf(o)]!.requests.total),
      },
      {
        title: 'req/s',
        width: 8,
        align: 'right',
        cell: (o) => (run.results[OPERATIONS.indexOf(o)]!.requests.total / run.seconds).toFixed(1),
      },
      { title: 'p50 ms', width: 7, align: 'right', cell: (o) => at(o, 50) },
      { title: 'p95 ms', width: 7, align: 'right', cell: (o) => at(o, 95) },
      { title: 'p99 ms', width: 7, align: 'right', cell: (o) => at(o, 99) },
      { title: 'errors', width: 7, align: 'right', cell: (o) => String(run.errors[o]) },
      { title: 'direct ops', width: 10, align: 'right', cell: (o) => String(direct[o]) },
    ],
    OPERATIONS,
  );
  const apiRps = apiRate(run);
  const rawRps = directRate(direct);
  console.log(
    `API ${apiRps.toFixed(1)} req/s, direct mix ${rawRps.toFixed(1)} ops/s (${((100 * apiRps) / rawRps).toFixed(1)}%); acknowledged: ${run.created.length} creates, ${run.deleted.length} deletes`,
  );
}

// Errors and lost writes fail the run outright; the throughput bound keeps the API's layers honest.
function goalsOf(
  run: ApiRun,
  writes: { lostCreates: number; undeleted: number },
  direct: Record<Operation, number>,
): Goal[] {
  const apiRps = apiRate(run);
  const rawRps = directRate(direct);
  const socketErrors = run.results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
  const statusErrors = Object.values(run.errors).reduce((a, b) => a + b, 0);
  return [
    {
      name: `zero errors (${statusErrors} unexpected statuses, ${socketErrors - statusErrors > 0 ? socketErrors - statusErrors : 0} socket errors/timeouts)`,
      ok: statusErrors === 0 && run.results.every((r) => r.errors === 0 && r.timeouts === 0),
    },
    {
      name: `zero lost writes (${writes.lostCreates} acknowledged creates unreadable, ${writes.undeleted} acknowledged deletes not gone)`,
      ok: writes.lostCreates === 0 && writes.undeleted === 0,
    },
    {
      name: `API throughput >= 60% of the direct mix (${((100 * apiRps) / rawRps).toFixed(1)}%)`,
      ok: apiRps >= 0.6 * rawRps,
    },
  ];
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-load-'));
  const db = await startLocalTable(TABLE_NAME);
  // The runner is what the load goes through: a separate process, as a developer starts it.
  const runner = startLocalRunner({ dataDir, db, tableName: TABLE_NAME, port: await freePort() });
  try {
    await runner.listening;
    const token = signDevToken(ensureDevIssuer(dataDir), { tenant: TENANT, expiresInSeconds: 3600 });
    const deps = useCases(db);
    const pool = await seedMeetings(deps);
    console.error(`seeded ${pool.length} meetings; driving the API for ${SECONDS} s`);
    const run = await driveApi(runner.url, token, deps, pool);
    const writes = await checkAcknowledgedWrites(deps, run);
    console.error(
      `checked ${run.created.length} creates; running the direct mix (use cases, no HTTP) for ${SECONDS} s`,
    );
    const direct = await runDirectMix(deps, pool);
    printResults(run, direct);
    reportGoals(goalsOf(run, writes, direct));
  } finally {
    await runner.stopAll();
  }
}

await main();
