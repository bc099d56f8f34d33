/**
 * npm run bench:import: 20,000 meetings imported through the local runner (local/start.ts, the
 * functions as deployed) two ways at the same client concurrency: as the import command sends them
 * (POST /meetings/batch, 100 a request) and as single keyed POST /meetings; prints meetings per
 * second of each and their ratio (goal: batches >= 2x). Then imports the batch file again: goal 0
 * created, every line replayed. PASS/FAIL lines; exit 1 on a FAIL.
 * Knobs: BENCH_MEETINGS (20000), BENCH_CONCURRENCY (requests in flight, 4: the command's default).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMeetingApiClient } from '../clients/typescript/index.js';
import { ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import { freePort } from '../local/dynamodb-local.js';
import { meetingInput } from '../support/fixtures.js';
import { startLocalRunner } from './bench/local-runner.js';
import { startLocalTable } from './bench/seed.js';
import { reportGoals } from './bench/verdicts.js';
import { importLines, isTransient, summaryLine } from './import/meeting-import.js';

const TABLE_NAME = 'bench-import';
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const GOAL_RATIO = 2;

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

const db = await startLocalTable(TABLE_NAME);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const runner = startLocalRunner({ dataDir, db, tableName: TABLE_NAME, port: await freePort() });
try {
  await runner.listening;
  const token = signDevToken(ensureDevIssuer(dataDir), { tenant: 'bench-import', expiresInSeconds: 4 * 3600 });
  const api = createMeetingApiClient({ baseUrl: runner.url, token });
  // Both ways warm first: every function's sandboxes started.
  await importLines({ api, lines: lines(400), concurrency: CONCURRENCY });
  for (const line of lines(CONCURRENCY * 4)) {
    const { idempotencyKey, ...meeting } = JSON.parse(line) as { idempotencyKey: string };
    await api.createMeeting(meeting as never, { idempotencyKey });
  }

  const batchLines = lines(MEETINGS);
  console.error(`importing ${MEETINGS} meetings in batches, ${CONCURRENCY} requests in flight`);
  let started = performance.now();
  const batched = await importLines({ api, lines: batchLines, concurrency: CONCURRENCY });
  const batchSeconds = (performance.now() - started) / 1000;

  console.error(`creating ${MEETINGS} meetings by single POSTs, ${CONCURRENCY} requests in flight`);
  const singleLines = lines(MEETINGS);
  let next = 0;
  let singleFailed = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < singleLines.length) {
        const { idempotencyKey, ...meeting } = JSON.parse(singleLines[next++]!) as { idempotencyKey: string };
        // As a careful client: a 503 or no answer is retried with the same key.
        for (let attempt = 1; ; attempt++) {
          try {
            await api.createMeeting(meeting as never, { idempotencyKey });
            break;
          } catch (error) {
            if (!isTransient(error) || attempt === 8) {
              singleFailed++;
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          }
        }
      }
    }),
  );
  const singleSeconds = (performance.now() - started) / 1000;

  console.error('importing the batch file again');
  started = performance.now();
  const again = await importLines({ api, lines: batchLines, concurrency: CONCURRENCY });
  const againSeconds = (performance.now() - started) / 1000;

  const batchRate = MEETINGS / batchSeconds;
  const singleRate = MEETINGS / singleSeconds;
  const ratio = batchRate / singleRate;
  console.log(
    `batches: ${summaryLine(batched.counts)} in ${batchSeconds.toFixed(1)} s: ${batchRate.toFixed(0)} meetings/s`,
  );
  console.log(
    `single POSTs: ${MEETINGS - singleFailed} created, ${singleFailed} failed in ${singleSeconds.toFixed(1)} s: ${singleRate.toFixed(0)} meetings/s`,
  );
  console.log(`again: ${summaryLine(again.counts)} in ${againSeconds.toFixed(1)} s`);
  reportGoals([
    {
      name: `batches >= ${GOAL_RATIO}x single POSTs (${ratio.toFixed(2)}x, ${CONCURRENCY} requests in flight)`,
      ok: ratio >= GOAL_RATIO && batched.counts.failed === 0 && singleFailed === 0,
    },
    {
      name: 'the same file again creates nothing and replays every line',
      ok: again.counts.created === 0 && again.counts.replayed === MEETINGS,
    },
  ]);
} finally {
  await runner.stopAll();
}
