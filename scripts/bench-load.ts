/**
 * npm run bench:load: the local runner (local/start.ts, a separate process) under a mixed workload
 * from autocannon on loopback, bounded in time (LOAD_SECONDS, default 60) and request count, then
 * the same mix straight against DynamoDB Local through the use cases and DynamoDB client, for comparison.
 * Prints throughput, p50/p95/p99 per operation and the errors; checks that every acknowledged
 * create is readable afterwards and every acknowledged delete is gone. PASS/FAIL; exit 1 on FAIL.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import { ensureTable, freePort, startDynamoDbLocal, stopOnSignals } from '../local/dynamodb-local.js';
import { readStorageConfig } from '../shared/config.js';
import { toInstant, type MeetingInput } from '../shared/domain/meeting.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { toApiError } from '../shared/http/error-mapping.js';
import {
  createMeeting,
  deleteMeeting,
  getMeeting,
  searchMeetings,
  updateMeeting,
} from '../shared/use-cases/meeting-use-cases.js';
import { meetingInput, searchCriteria } from '../support/fixtures.js';

const hdr = createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js');
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const MAX_REQUESTS_PER_OPERATION = 200_000; // a hard bound besides the duration
const MIX = { create: 2, get: 4, update: 2, search: 2, delete: 1 } as const; // connections per operation
type Operation = keyof typeof MIX;
const EXPECTED: Record<Operation, number> = { create: 201, get: 200, update: 204, search: 200, delete: 204 };
const TENANT = 'load-tenant';
const POOL = 200;

const office = randomUUID();
const input = (): MeetingInput =>
  meetingInput({
    visitTime: new Date(Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 365) * 86_400_000).toISOString(),
    agencyOfficeId: office,
    meetingRealty: { categoryCode: 'SALE', streetAddress: 'Kuormakatu 1', postalArea: 'Helsinki' },
    notes: 'load test',
  });
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const percentile = (h: { getValueAtPercentile(p: number): number }, p: number) => h.getValueAtPercentile(p);
const histogram = () =>
  hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000,
    numberOfSignificantValueDigits: 3,
  });

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-load-'));
  const db = await startDynamoDbLocal();
  stopOnSignals(db);
  const tableName = 'load';
  await ensureTable(db.endpoint, tableName);
  const port = await freePort();
  const runner = spawn(join('node_modules', '.bin', 'tsx'), ['local/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: db.endpoint,
      TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      runner.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('listening on')) resolve();
      });
      runner.once('exit', (code) => reject(new Error(`local runner exited (${code})`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const token = signDevToken(ensureDevIssuer(dataDir), { tenant: TENANT, expiresInSeconds: 3600 });
    const client = createDocumentClient({
      ...readStorageConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: db.endpoint }),
      requestTimeoutMs: 30_000,
    });
    const deps = { repository: new DynamoDbMeetingRepository(client, tableName) };
    const pool: string[] = [];
    for (let i = 0; i < POOL; i += 20)
      pool.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, async () => (await createMeeting(deps, TENANT, input())).meetingId),
        )),
      );

    console.error(`seeded ${pool.length} meetings; driving the API for ${SECONDS} s`);
    // ---- the API under load
    const created: string[] = [];
    const deleted: string[] = [];
    // Deletes sent, acknowledged or not: one in flight when the run stops is applied but unanswered.
    const deleteSent = new Set<string>();
    // Deletes take a pre-seeded pool first, then every other acknowledged create.
    const deletable: string[] = [];
    for (let i = 0; i < POOL; i += 20)
      deletable.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, async () => (await createMeeting(deps, TENANT, input())).meetingId),
        )),
      );
    const errors: Record<Operation, number> = { create: 0, get: 0, update: 0, search: 0, delete: 0 };
    const headers = () => ({
      authorization: `Bearer ${token}`,
      'request-id': randomUUID(),
      'content-type': 'application/json',
    });
    const requestFor = (operation: Operation, context: Record<string, unknown>) => {
      switch (operation) {
        case 'create':
          return { method: 'POST', path: '/meetings', body: JSON.stringify(input()) };
        case 'get':
          return { method: 'GET', path: `/meetings/${pick(pool)}` };
        case 'update':
          return {
            method: 'PUT',
            path: `/meetings/${pick(pool)}`,
            body: JSON.stringify({ ...input(), notes: `updated ${Date.now()}` }),
          };
        case 'search':
          return {
            method: 'GET',
            path: `/meetings?agencyOfficeId=${office}&size=20&visitTimeAfter=2026-06-01T00:00:00Z`,
          };
        case 'delete': {
          const id = deletable.shift();
          if (!id) throw new Error('the delete pool ran dry: seed more (POOL)');
          context.meetingId = id;
          deleteSent.add(id);
          return { method: 'DELETE', path: `/meetings/${id}` };
        }
      }
    };
    const latencies: Record<Operation, ReturnType<typeof histogram>> = {
      create: histogram(),
      get: histogram(),
      update: histogram(),
      search: histogram(),
      delete: histogram(),
    };
    const started = Date.now();
    const results = await Promise.all(
      (Object.keys(MIX) as Operation[]).map(
        (operation) =>
          new Promise<autocannon.Result>((resolve, reject) => {
            autocannon(
              {
                url,
                connections: MIX[operation],
                duration: SECONDS,
                maxOverallRequests: MAX_REQUESTS_PER_OPERATION, // (not `amount`: it would override the duration)
                timeout: 10,
                histograms: { latencies: latencies[operation] },
                requests: [
                  {
                    setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => ({
                      ...request,
                      ...requestFor(operation, context),
                      headers: headers(),
                    }),
                    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
                      if (status !== EXPECTED[operation]) errors[operation]++;
                      else if (operation === 'create') {
                        const id = (JSON.parse(body) as { meetingId: string }).meetingId;
                        created.push(id);
                        if (created.length % 2 === 0) deletable.push(id);
                      } else if (operation === 'delete') deleted.push(context.meetingId as string);
                    },
                  },
                ],
              } as unknown as autocannon.Options,
              (error: Error | null, result) => (error ? reject(error) : resolve(result)),
            );
          }),
      ),
    );
    const apiSeconds = (Date.now() - started) / 1000;

    // ---- no lost writes: every acknowledged create readable unless acknowledged deleted; every acknowledged delete gone
    const gone = new Set(deleted);
    let lostCreates = 0;
    let undeleted = 0;
    const ids = [...new Set([...created, ...deleted])];
    for (let i = 0; i < ids.length; i += 32) {
      await Promise.all(
        ids.slice(i, i + 32).map(async (id) => {
          const status = await getMeeting(deps, TENANT, id).then(
            () => 200,
            // as the API would answer: 404 unknown, 410 deleted
            (error: unknown) => toApiError(error).status,
          );
          if (gone.has(id) && status !== 410) undeleted++;
          // a create is lost when it cannot be read and no delete of it was ever sent
          if (!gone.has(id) && status !== 200 && !(status === 410 && deleteSent.has(id))) lostCreates++;
        }),
      );
    }
    console.error(`checked ${created.length} creates; running the direct mix (use cases, no HTTP) for ${SECONDS} s`);
    // ---- the same mix straight against DynamoDB Local through the use cases
    const rawCounts: Record<Operation, number> = { create: 0, get: 0, update: 0, search: 0, delete: 0 };
    const rawCreated: string[] = [];
    const deadline = Date.now() + SECONDS * 1000;
    const rawOp = async (operation: Operation) => {
      switch (operation) {
        case 'create':
          rawCreated.push((await createMeeting(deps, TENANT, input())).meetingId);
          return;
        case 'get':
          await getMeeting(deps, TENANT, pick(pool));
          return;
        case 'update':
          await updateMeeting(deps, TENANT, pick(pool), { ...input(), notes: 'raw update' });
          return;
        case 'search':
          await searchMeetings(
            deps,
            TENANT,
            searchCriteria({ agencyOfficeId: [office], visitTimeAfter: toInstant('2026-06-01T00:00:00Z'), size: 20 }),
          );
          return;
        case 'delete': {
          const id = rawCreated.shift();
          if (id) await deleteMeeting(deps, TENANT, id);
          else await getMeeting(deps, TENANT, pick(pool));
          return;
        }
      }
    };
    await Promise.all(
      (Object.keys(MIX) as Operation[]).flatMap((operation) =>
        Array.from({ length: MIX[operation] }, async () => {
          while (Date.now() < deadline && rawCounts[operation] < MAX_REQUESTS_PER_OPERATION) {
            await rawOp(operation);
            rawCounts[operation]++;
          }
        }),
      ),
    );

    const apiTotal = results.reduce((n, r) => n + r.requests.total, 0);
    const rawTotal = Object.values(rawCounts).reduce((a, b) => a + b, 0);
    const apiRps = apiTotal / apiSeconds;
    const rawRps = rawTotal / SECONDS;
    const socketErrors = results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
    const statusErrors = Object.values(errors).reduce((a, b) => a + b, 0);
    console.log(`\nload: ${SECONDS} s, connections per operation ${JSON.stringify(MIX)}, loopback`);
    console.log(
      [
        'operation'.padEnd(10),
        'requests'.padStart(9),
        'req/s'.padStart(8),
        'p50 ms'.padStart(7),
        'p95 ms'.padStart(7),
        'p99 ms'.padStart(7),
        'errors'.padStart(7),
        'direct ops'.padStart(10),
      ].join(' '),
    );
    (Object.keys(MIX) as Operation[]).forEach((operation, i) => {
      const h = latencies[operation];
      console.log(
        [
          operation.padEnd(10),
          String(results[i]!.requests.total).padStart(9),
          (results[i]!.requests.total / apiSeconds).toFixed(1).padStart(8),
          String(percentile(h, 50)).padStart(7),
          String(percentile(h, 95)).padStart(7),
          String(percentile(h, 99)).padStart(7),
          String(errors[operation]).padStart(7),
          String(rawCounts[operation]).padStart(10),
        ].join(' '),
      );
    });
    console.log(
      `API ${apiRps.toFixed(1)} req/s, direct mix ${rawRps.toFixed(1)} ops/s (${((100 * apiRps) / rawRps).toFixed(1)}%); acknowledged: ${created.length} creates, ${deleted.length} deletes`,
    );
    const goals = [
      {
        name: `zero errors (${statusErrors} unexpected statuses, ${socketErrors - statusErrors > 0 ? socketErrors - statusErrors : 0} socket errors/timeouts)`,
        ok: statusErrors === 0 && results.every((r) => r.errors === 0 && r.timeouts === 0),
      },
      {
        name: `zero lost writes (${lostCreates} acknowledged creates unreadable, ${undeleted} acknowledged deletes not gone)`,
        ok: lostCreates === 0 && undeleted === 0,
      },
      {
        name: `API throughput >= 60% of the direct mix (${((100 * apiRps) / rawRps).toFixed(1)}%)`,
        ok: apiRps >= 0.6 * rawRps,
      },
    ];
    for (const goal of goals) console.log(`${goal.ok ? 'PASS' : 'FAIL'} ${goal.name}`);
    process.exitCode = goals.every((g) => g.ok) ? 0 : 1;
  } finally {
    runner.kill('SIGTERM');
    await new Promise((resolve) => (runner.exitCode !== null ? resolve(null) : runner.once('exit', resolve)));
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
