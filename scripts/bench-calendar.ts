/**
 * npm run bench:calendar: an agent's calendar feed of 1,000 events (FULL detail: place and notes)
 * read through the local runner (local/start.ts, a separate process, the functions as deployed)
 * the way a calendar app polls it: after 20 warm-up reads, 50 reads one after another; prints p50,
 * p95 and the body's size, the size of a 250-event feed (the size grows linearly with events), and
 * the CPU each read costs DynamoDB Local, the runner and this client (on Linux).
 * Goal: p95 <= 300 ms. PASS/FAIL; exit 1 on FAIL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import { freePort } from '../local/dynamodb-local.js';
import { readStorageConfig } from '../shared/config.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { meetingInput } from '../support/fixtures.js';
import { startLocalRunner, type LocalRunner } from './bench/local-runner.js';
import { processTreeCpuMs } from './bench/process-cpu.js';
import { createMeetings, startLocalTable } from './bench/seed.js';
import { reportGoals } from './bench/verdicts.js';

const TABLE_NAME = 'bench-calendar';
const TENANT = 'bench-calendar';
const EVENTS = 1_000;
const SMALL_EVENTS = 250;
/**
 * Warm means the function's sandbox and DynamoDB Local's JVM past compiling its read path: the
 * first dozen or so feed reads of a fresh DynamoDB Local are slower while the JIT works.
 */
const WARM_UP = 20;
const READS = 50;
const GOAL_P95_MS = 300;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const db = await startLocalTable(TABLE_NAME);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-calendar-'));
let runner: LocalRunner | undefined;
try {
  // Meetings of two agents, their visits spread over the feed's window, with a place and notes.
  const repository = new DynamoDbMeetingRepository(
    createDocumentClient({
      ...readStorageConfig({ TABLE_NAME, DYNAMODB_ENDPOINT: db.endpoint }),
      requestTimeoutMs: 30_000,
    }),
    TABLE_NAME,
  );
  const seed = async (agentId: string, count: number) => {
    let n = 0;
    await createMeetings({ repository }, TENANT, count, () =>
      meetingInput({
        agents: [{ agentId }],
        visitTime: new Date(Date.now() + (-80 + (380 * n++) / count) * 86_400_000).toISOString(),
        meetingRealty: {
          categoryCode: 'SALE',
          streetAddress: 'Pohjoisesplanadi 11–13 B 27',
          postcode: '00170',
          postalArea: 'Helsinki',
        },
        notes: 'Asiakas toivoo, että käynnillä katsotaan myös ullakko ja kellarikomero.',
      }),
    );
  };
  const agent = randomUUID();
  const smallAgent = randomUUID();
  await Promise.all([seed(agent, EVENTS), seed(smallAgent, SMALL_EVENTS)]);
  // Started after the seed, as a service that already holds its meetings: its stream readers begin
  // at the stream's end, so the reads measured do not share the machine with the seed's change
  // notifications.
  runner = startLocalRunner({ dataDir, db, tableName: TABLE_NAME, port: await freePort() });
  await runner.listening;

  const url = runner.url;
  const token = signDevToken(ensureDevIssuer(dataDir), { tenant: TENANT });
  const feedOf = async (agentId: string) => {
    const response = await fetch(`${url}/calendar-feeds`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Request-ID': randomUUID(),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ agentId, detail: 'FULL' }),
    });
    if (response.status !== 201) throw new Error(`feed not made: ${response.status} ${await response.text()}`);
    return `${url}${((await response.json()) as { url: string }).url}`;
  };
  const read = async (address: string) => {
    const started = performance.now();
    const response = await fetch(address);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`feed read ${response.status}: ${body.slice(0, 200)}`);
    return { ms: performance.now() - started, body };
  };

  const address = await feedOf(agent);
  for (let i = 0; i < WARM_UP; i++) await read(address);
  const cpuBefore = { db: processTreeCpuMs(db.pid), runner: processTreeCpuMs(runner.pid), client: process.cpuUsage() };
  const times: number[] = [];
  let body = '';
  for (let i = 0; i < READS; i++) {
    const result = await read(address);
    times.push(result.ms);
    body = result.body;
  }
  const client = process.cpuUsage(cpuBefore.client);
  const perRead = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? 'n/a' : `${((after - before) / READS).toFixed(0)} ms`;
  const cpuLine = `CPU per read: DynamoDB Local ${perRead(cpuBefore.db, processTreeCpuMs(db.pid))}, local runner ${perRead(cpuBefore.runner, processTreeCpuMs(runner.pid))}, this client ${((client.user + client.system) / 1000 / READS).toFixed(0)} ms`;
  times.sort((a, b) => a - b);
  const events = body.split('BEGIN:VEVENT').length - 1;
  const small = (await read(await feedOf(smallAgent))).body;
  const smallEvents = small.split('BEGIN:VEVENT').length - 1;
  const bytes = Buffer.byteLength(body);
  const smallBytes = Buffer.byteLength(small);
  const p95 = percentile(times, 95);
  console.log(
    `calendar feed, ${events} events (FULL), ${READS} warm reads through the local runner: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
  );
  console.log(
    `body: ${bytes} bytes (${(bytes / events).toFixed(0)} per event); ${smallEvents} events: ${smallBytes} bytes (${(smallBytes / smallEvents).toFixed(0)} per event)`,
  );
  console.log(cpuLine);
  if (events !== EVENTS || smallEvents !== SMALL_EVENTS)
    throw new Error(`expected ${EVENTS} and ${SMALL_EVENTS} events`);
  reportGoals([{ name: `calendar feed p95 <= ${GOAL_P95_MS} ms (${EVENTS} events, warm)`, ok: p95 <= GOAL_P95_MS }]);
} finally {
  if (runner) await runner.stopAll();
  else {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
