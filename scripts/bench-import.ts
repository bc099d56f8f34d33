/**
 * npm run bench:import: 20,000 meetings imported through the local runner (local/start.ts, the
 * functions as deployed) two ways at the same client concurrency: as the import command sends them
 * (POST /meetings/batch, 100 a request) and as single keyed POST /meetings; prints meetings per
 * second of each and their ratio (goal: batches >= 2x). Then imports the batch file again: goal 0
 * created, every line replayed. Each phase starts once DynamoDB Local and the runner are idle (the
 * stream pipeline done with the previous phase's writes) and reports the CPU each process spent per
 * meeting: what a batch saves is the runner's work per request. The ceiling line is DynamoDB
 * Local's own rate of keyed creates (the use case straight on the table, no HTTP), which no way
 * of sending can pass. PASS/FAIL lines; exit 1 on a FAIL.
 * Knobs: BENCH_MEETINGS (20000), BENCH_CONCURRENCY (requests in flight, 4: the command's default).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMeetingApiClient } from '../clients/typescript/index.js';
import { ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import { freePort } from '../local/dynamodb-local.js';
import { forEachConcurrently } from '../shared/concurrency.js';
import { readStorageConfig } from '../shared/config.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { BATCH_ITEM_CONCURRENCY } from '../shared/use-cases/meeting-batch-use-cases.js';
import { createMeeting } from '../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN } from '../support/fixtures.js';
import { startLocalRunner } from './bench/local-runner.js';
import { processTreeCpuMs } from './bench/process-cpu.js';
import { startLocalTable } from './bench/seed.js';
import { reportGoals } from './bench/verdicts.js';
import { importLines, isTransient, summaryLine } from './import/meeting-import.js';

const TABLE_NAME = 'bench-import';
const TENANT = 'bench-import';
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const GOAL_RATIO = 2;
/**
 * Settled: the runner, whose stream pipeline works through a phase's records after it, below this
 * share of one core over IDLE_WINDOW_MS. DynamoDB Local is never idle while the runner runs: it
 * answers the stream polls, and those cost it more the longer its streams grow.
 */
const IDLE_CORE_SHARE = 0.15;
const IDLE_WINDOW_MS = 2_000;

/** A migration's lines: meetings of a few offices and agents, some with notes and an address. */
const lines = (count: number) => {
  const offices = Array.from({ length: 20 }, () => randomUUID());
  const agents = Array.from({ length: 200 }, () => randomUUID());
  return Array.from({ length: count }, (_, n) =>
    JSON.stringify({
      idempotencyKey: `legacy-${n}-${randomUUID()}`,
      ...meetingInput({
        agencyOfficeId: offices[n % offices.length]!,
        agents: [{ agentId: agents[n % agents.length]! }],
        visitTime: new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString(),
        statusCode: n % 3 === 0 ? 'WON' : 'WAITING',
        ...(n % 2 ? { notes: `Muutto vanhasta järjestelmästä, rivi ${n}` } : {}),
      }),
    }),
  );
};
const keyedMeeting = (line: string) => {
  const { idempotencyKey, ...meeting } = JSON.parse(line) as { idempotencyKey: string };
  return { idempotencyKey, meeting };
};

const db = await startLocalTable(TABLE_NAME);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const runner = startLocalRunner({ dataDir, db, tableName: TABLE_NAME, port: await freePort() });
const cpuMs = () => ({ db: processTreeCpuMs(db.pid) ?? 0, runner: processTreeCpuMs(runner.pid) ?? 0 });

/** Waits until the previous phase's writes are through the runner's stream pipeline. */
async function settle() {
  const started = performance.now();
  for (let before = cpuMs(); ;) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    const now = cpuMs();
    if (now.runner - before.runner < IDLE_CORE_SHARE * IDLE_WINDOW_MS) break;
    before = now;
  }
  console.error(`(settled in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

interface Phase {
  meetings: number;
  seconds: number;
  rate: number;
  dbCpuPerMeeting: number;
  runnerCpuPerMeeting: number;
}

/** One phase of `meetings` writes, from idle; its rate and the CPU each process spent per meeting. */
async function phase(label: string, meetings: number, work: () => Promise<unknown>): Promise<Phase> {
  await settle();
  console.error(label);
  const cpuBefore = cpuMs();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuMs();
  return {
    meetings,
    seconds,
    rate: meetings / seconds,
    dbCpuPerMeeting: (cpuAfter.db - cpuBefore.db) / meetings,
    runnerCpuPerMeeting: (cpuAfter.runner - cpuBefore.runner) / meetings,
  };
}

const describe = (result: Phase) =>
  `in ${result.seconds.toFixed(1)} s: ${result.rate.toFixed(0)} meetings/s; CPU per meeting: ` +
  `DynamoDB Local ${result.dbCpuPerMeeting.toFixed(1)} ms, runner ${result.runnerCpuPerMeeting.toFixed(1)} ms`;

try {
  await runner.listening;
  const token = signDevToken(ensureDevIssuer(dataDir), { tenant: TENANT, expiresInSeconds: 4 * 3600 });
  const api = createMeetingApiClient({ baseUrl: runner.url, token });
  // Both ways warm first: every function's sandboxes started.
  await importLines({ api, lines: lines(400), concurrency: CONCURRENCY });
  for (const line of lines(CONCURRENCY * 4)) {
    const { idempotencyKey, meeting } = keyedMeeting(line);
    await api.createMeeting(meeting as never, { idempotencyKey });
  }

  const batchLines = lines(MEETINGS);
  let batchCounts = { created: 0, replayed: 0, failed: 0, total: 0 };
  const batched = await phase(
    `importing ${MEETINGS} meetings in batches, ${CONCURRENCY} requests in flight`,
    MEETINGS,
    async () => {
      batchCounts = (await importLines({ api, lines: batchLines, concurrency: CONCURRENCY })).counts;
    },
  );

  const singleLines = lines(MEETINGS);
  let singleFailed = 0;
  const single = await phase(
    `creating ${MEETINGS} meetings by single POSTs, ${CONCURRENCY} requests in flight`,
    MEETINGS,
    () =>
      forEachConcurrently(singleLines, CONCURRENCY, async (line) => {
        const { idempotencyKey, meeting } = keyedMeeting(line);
        // As a careful client: a 503 or no answer is retried with the same key.
        for (let attempt = 1; ; attempt++) {
          try {
            await api.createMeeting(meeting as never, { idempotencyKey });
            return;
          } catch (error) {
            if (!isTransient(error) || attempt === 8) {
              singleFailed++;
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          }
        }
      }),
  );

  // The same writes with neither HTTP nor functions: the use case on the table, as many in flight as the batches keep.
  const ceilingMeetings = Math.min(MEETINGS, 5_000);
  const inFlight = CONCURRENCY * BATCH_ITEM_CONCURRENCY;
  const repository = new DynamoDbMeetingRepository(
    createDocumentClient(readStorageConfig({ TABLE_NAME, DYNAMODB_ENDPOINT: db.endpoint })),
    TABLE_NAME,
  );
  const ceiling = await phase(
    `the ceiling: ${ceilingMeetings} keyed creates through the use case, ${inFlight} in flight`,
    ceilingMeetings,
    () =>
      forEachConcurrently(lines(ceilingMeetings), inFlight, async (line) => {
        const { idempotencyKey, meeting } = keyedMeeting(line);
        await createMeeting({ repository }, TENANT, meeting as never, ORIGIN, idempotencyKey);
      }),
  );

  let againCounts = { created: 0, replayed: 0, failed: 0, total: 0 };
  const again = await phase('importing the batch file again', MEETINGS, async () => {
    againCounts = (await importLines({ api, lines: batchLines, concurrency: CONCURRENCY })).counts;
  });

  const ratio = batched.rate / single.rate;
  console.log(`batches: ${summaryLine(batchCounts)} ${describe(batched)}`);
  console.log(`single POSTs: ${MEETINGS - singleFailed} created, ${singleFailed} failed ${describe(single)}`);
  console.log(
    `the ceiling, DynamoDB Local's own keyed creates (${inFlight} in flight, no HTTP): ${ceiling.meetings} ${describe(ceiling)}`,
  );
  console.log(`again: ${summaryLine(againCounts)} ${describe(again)}`);
  reportGoals([
    {
      name: `batches >= ${GOAL_RATIO}x single POSTs (${ratio.toFixed(2)}x, ${CONCURRENCY} requests in flight)`,
      ok: ratio >= GOAL_RATIO && batchCounts.failed === 0 && singleFailed === 0,
    },
    {
      name: 'the same file again creates nothing and replays every line',
      ok: againCounts.created === 0 && againCounts.replayed === MEETINGS,
    },
  ]);
} finally {
  await runner.stopAll();
}
