/**
 * npm run bench:coldstart: what a caller feels of a cold start. For each function, the time from
 * process spawn to the first answer of a real invocation (the authorizer verifying a real token;
 * each operation handling a valid request against DynamoDB Local), interleaved in one run with the
 * same measurement of a reference: the plainest handler AWS documents for that operation
 * (scripts/coldstart-reference/: one DynamoDBDocumentClient command, or aws-jwt-verify, bundled
 * with NodejsFunction defaults; no middy, no validation, no logger). Medians of BENCH_RUNS (default 21, at least 15 for a figure); the ratio is the median of
 * the per-run ratios of back-to-back pairs.
 *
 * Our bundles come from a real CDK synth of lib/meeting-api-stack.ts (NodejsFunction with
 * lib/bundling/production-bundling.ts, local esbuild), exactly as deployed; the references from a
 * synth of a tiny stack of NodejsFunctions with default bundling. Both run as the Lambda runtime
 * would run them: ESM import for .mjs, require for .js, NODE_PATH pointing at an AWS SDK (the
 * runtime's /var/runtime/node_modules; here the project's node_modules), one handler(event, context)
 * call. The references reach DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB, so their client
 * constructor stays `{}` as documented.
 *
 * Also reported, as a figure and not a goal: the module-load time (spawn to module imported, no
 * invocation; timed to process exit like `node -e 0`, as before) and its ratio to `node -e 0`.
 * Goals: every bundle <= 500 KiB; cold request <= 1.15x the reference (stretch: <= 1.0x). Exit 1 on a FAIL.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthEnvironment, ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import type { RunningDynamoDb } from '../local/dynamodb-local.js';
import { meetingInput } from '../support/fixtures.js';
import {
  ALL_FUNCTIONS,
  synthOurs,
  synthReferences,
  type Bundle,
  type Bundles,
  type FunctionName,
} from './bench/coldstart-bundles.js';
import { createRunner, lambdaEnvironment, type Runner } from './bench/coldstart-runner.js';
import { lambdaEvents, type LambdaEvents } from './bench/lambda-events.js';
import { startLocalTable } from './bench/seed.js';
import { median } from './bench/stats.js';
import { printTable } from './bench/table.js';
import { reportGoals, type Goal } from './bench/verdicts.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const WARMUPS = 2;
const MAX_BUNDLE_BYTES = 500 * 1024;
const GOAL_RATIO = 1.15;
const STRETCH_RATIO = 1.0;
const TABLE_NAME = 'meetings-coldstart-bench';
const SEARCH_TENANT = 'bench-search';
const RW_TENANT = 'bench-rw';

/** BENCH_FUNCTIONS=authorizer,get-meeting measures only those (a focused run; the goals then cover only them). */
const FUNCTIONS: readonly FunctionName[] = process.env.BENCH_FUNCTIONS
  ? ALL_FUNCTIONS.filter((name) => process.env.BENCH_FUNCTIONS!.split(',').includes(name))
  : ALL_FUNCTIONS;
const EXPECTED: Record<Exclude<FunctionName, 'authorizer'>, number> = {
  'create-meeting': 201,
  'search-meetings': 200,
  'list-meeting-changes': 200,
  'get-meeting': 200,
  'update-meeting': 204,
  'delete-meeting': 204,
};

if (!Number.isInteger(RUNS) || RUNS < 15)
  throw new Error(`BENCH_RUNS must be a whole number >= 15, got "${process.env.BENCH_RUNS}"`);

type Side = 'ours' | 'reference';
const SIDES: readonly Side[] = ['ours', 'reference'];

/** What the steps after the setup invoke and with what. */
interface Bench {
  bundles: Record<Side, Bundles>;
  runner: Runner;
  events: LambdaEvents;
  envFor(name: FunctionName, variables: Record<string, string>): NodeJS.ProcessEnv;
}

/** The meetings the timed invocations read, update and delete (each delete takes a meeting of its own). */
interface Seeded {
  getId: string;
  updateIds: Record<Side, string>;
  deleteIds: Record<Side, string[]>;
}

type Series = Record<string, { ours: number[]; reference: number[]; load: number[] }>;

type Row = ReturnType<typeof summarize>[number];

// Both sides are measured on bundles as they would be deployed, not on the sources.
function buildBundles(workDir: string): Record<Side, Bundles> {
  return { ours: synthOurs(workDir), reference: synthReferences(workDir) };
}

// The operations need a real table and the authorizer a token that a real issuer signed.
function prepareInvocations(workDir: string, bundles: Record<Side, Bundles>, db: RunningDynamoDb): Bench {
  const issuer = ensureDevIssuer(join(workDir, 'data'));
  const token = signDevToken(issuer, { tenant: 'bench', expiresInSeconds: 3 * 3600 });
  const runner = createRunner(workDir);
  const auth = devAuthEnvironment(issuer);
  const envFor = (name: FunctionName, variables: Record<string, string>) =>
    lambdaEnvironment(name, variables, { tableName: TABLE_NAME, endpoint: db.endpoint, auth });
  return { bundles, runner, events: lambdaEvents(token), envFor };
}

// Seeded through our create bundle in one untimed process, so the timed requests find real meetings.
async function seedMeetings(bench: Bench): Promise<Seeded> {
  const seed = async (tenantId: string, count: number): Promise<string[]> => {
    if (count === 0) return [];
    const { bundle, variables } = bench.bundles.ours.get('create-meeting')!;
    const events = Array.from({ length: count }, () =>
      bench.events.proxyEvent(tenantId, 'POST', undefined, meetingInput()),
    );
    const { answers } = await bench.runner.invoke(bundle, events, bench.envFor('create-meeting', variables), 'exit');
    return answers.map((answer) => {
      const { statusCode, body } = answer as { statusCode: number; body: string };
      if (statusCode !== 201) throw new Error(`seeding: create-meeting answered ${statusCode}: ${body}`);
      return (JSON.parse(body) as { meetingId: string }).meetingId;
    });
  };
  await seed(SEARCH_TENANT, 10);
  const [getId, ourUpdateId, refUpdateId] = await seed(RW_TENANT, 3);
  const samplesPerSide = WARMUPS + RUNS;
  const deleteIds = { ours: await seed(RW_TENANT, samplesPerSide), reference: await seed(RW_TENANT, samplesPerSide) };
  return { getId: getId!, updateIds: { ours: ourUpdateId!, reference: refUpdateId! }, deleteIds };
}

// Each invocation gets a fresh event (a fresh meeting where the operation consumes one).
function eventOf(bench: Bench, seeded: Seeded, name: FunctionName, side: Side): unknown {
  const { proxyEvent, authorizerEvent } = bench.events;
  switch (name) {
    case 'authorizer':
      return authorizerEvent();
    case 'create-meeting':
      return proxyEvent('bench-create', 'POST', undefined, meetingInput());
    case 'search-meetings':
      return proxyEvent(SEARCH_TENANT, 'GET');
    case 'list-meeting-changes':
      return proxyEvent(SEARCH_TENANT, 'GET', undefined, undefined, '/meetings/changes');
    case 'get-meeting':
      return proxyEvent(RW_TENANT, 'GET', seeded.getId);
    case 'update-meeting':
      return proxyEvent(RW_TENANT, 'PUT', seeded.updateIds[side], meetingInput());
    case 'delete-meeting': {
      const id = seeded.deleteIds[side].shift();
      if (!id) throw new Error('out of seeded meetings to delete');
      return proxyEvent(RW_TENANT, 'DELETE', id);
    }
  }
}

// A fast answer counts only if it is the right one: an error answer would flatter either side.
function checkAnswer(name: FunctionName, side: Side, answer: unknown): void {
  if (name === 'authorizer') {
    const statements =
      (answer as { policyDocument?: { Statement?: Array<{ Effect?: string }> } } | undefined)?.policyDocument
        ?.Statement ?? [];
    if (!statements.some((s) => s.Effect === 'Allow'))
      throw new Error(`${side} authorizer did not allow: ${JSON.stringify(answer)}`);
    return;
  }
  const { statusCode, body } = (answer ?? {}) as { statusCode?: number; body?: string };
  if (statusCode !== EXPECTED[name])
    throw new Error(`${side} ${name} answered ${statusCode}, expected ${EXPECTED[name]}: ${body}`);
}

// What a caller feels: a fresh process, one invocation, timed from spawn to the answer.
async function coldRequest(bench: Bench, seeded: Seeded, name: FunctionName, side: Side): Promise<number> {
  const { bundle, variables } = bench.bundles[side].get(name)!;
  const events = [eventOf(bench, seeded, name, side)];
  const { ms, answers } = await bench.runner.invoke(bundle, events, bench.envFor(name, variables), 'answer');
  checkAnswer(name, side, answers[0]);
  return ms;
}

// The module's own share of a cold start, without the invocation.
async function moduleLoad(bench: Bench, name: FunctionName): Promise<number> {
  const { bundle, variables } = bench.bundles.ours.get(name)!;
  return (await bench.runner.load(bundle, bench.envFor(name, variables))).ms;
}

// The file cache is cold and DynamoDB Local is slow on its first calls of each kind: neither belongs in a sample.
async function warmUp(bench: Bench, seeded: Seeded): Promise<void> {
  await bench.runner.emptyStart();
  for (const name of FUNCTIONS) {
    await moduleLoad(bench, name);
    for (let i = 0; i < WARMUPS; i++) for (const side of SIDES) await coldRequest(bench, seeded, name, side);
  }
}

// Interleaved, so that drift in machine load hits every series alike; who goes first alternates.
async function measure(bench: Bench, seeded: Seeded): Promise<{ series: Series; empties: number[] }> {
  const series: Series = Object.fromEntries(
    FUNCTIONS.map((name) => [name, { ours: [] as number[], reference: [] as number[], load: [] as number[] }]),
  );
  const empties: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    empties.push((await bench.runner.emptyStart()).ms);
    for (const name of FUNCTIONS) {
      const order: Side[] = i % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
      for (const side of order) series[name]![side].push(await coldRequest(bench, seeded, name, side));
      series[name]!.load.push(await moduleLoad(bench, name));
    }
  }
  return { series, empties };
}

// Medians resist the odd slow spawn; each run's pair ran back to back, so the median of the pairs'
// ratios cancels the machine's drift.
function summarize(bundles: Record<Side, Bundles>, series: Series, empty: number) {
  const size = (bundle: Bundle) => statSync(bundle.bundle).size;
  return FUNCTIONS.map((name) => {
    const s = series[name]!;
    const load = median(s.load);
    return {
      name,
      bytes: size(bundles.ours.get(name)!),
      referenceBytes: size(bundles.reference.get(name)!),
      request: median(s.ours),
      reference: median(s.reference),
      ratio: median(s.ours.map((ms, i) => ms / s.reference[i]!)),
      load,
      loadRatio: load / empty,
    };
  });
}

// One line of context, then a row a function, in the columns other tooling reads.
function printResults(rows: Row[], empty: number): void {
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(`node ${process.version}, ${RUNS} runs each, medians; node -e 0: ${empty.toFixed(1)} ms`);
  printTable<Row>(
    [
      { title: 'function', width: 20, align: 'left', cell: (r) => r.name },
      { title: 'KiB', width: 7, align: 'right', cell: (r) => kib(r.bytes) },
      { title: 'ref KiB', width: 8, align: 'right', cell: (r) => kib(r.referenceBytes) },
      { title: 'cold ms', width: 8, align: 'right', cell: (r) => r.request.toFixed(1) },
      { title: 'ref ms', width: 7, align: 'right', cell: (r) => r.reference.toFixed(1) },
      { title: 'ratio', width: 6, align: 'right', cell: (r) => r.ratio.toFixed(2) },
      { title: 'load ms', width: 8, align: 'right', cell: (r) => r.load.toFixed(1) },
      { title: 'load/node -e 0', width: 15, align: 'right', cell: (r) => r.loadRatio.toFixed(2) },
    ],
    rows,
  );
  console.log(
    `module load vs node -e 0 (a figure, not a goal): worst ${Math.max(...rows.map((r) => r.loadRatio)).toFixed(2)}x`,
  );
}

// The size bound and the ratio to the reference are the goals; the stretch ratio only reports.
function goalsOf(rows: Row[]): Goal[] {
  const worst = Math.max(...rows.map((r) => r.ratio));
  return [
    { name: `every bundle <= ${MAX_BUNDLE_BYTES / 1024} KiB`, ok: rows.every((r) => r.bytes <= MAX_BUNDLE_BYTES) },
    {
      name: `cold request <= ${GOAL_RATIO}x the reference (worst ${worst.toFixed(2)}x)`,
      ok: rows.every((r) => r.ratio <= GOAL_RATIO),
    },
    {
      name: `stretch: cold request <= ${STRETCH_RATIO.toFixed(1)}x the reference`,
      ok: rows.every((r) => r.ratio <= STRETCH_RATIO),
      required: false,
    },
  ];
}

const workDir = mkdtempSync(join(tmpdir(), 'meeting-api-coldstart-'));
let db: RunningDynamoDb | undefined;
// DynamoDB Local's Java process outlives a killed parent: whatever way this process ends (a signal
// goes through stopOnSignals' process.exit), kill it by PID and drop the temp folder.
process.once('exit', () => {
  if (db) {
    try {
      process.kill(db.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(workDir, { recursive: true, force: true });
});

try {
  const bundles = buildBundles(workDir);
  db = await startLocalTable(TABLE_NAME);
  const bench = prepareInvocations(workDir, bundles, db);
  const seeded = await seedMeetings(bench);
  await warmUp(bench, seeded);
  const { series, empties } = await measure(bench, seeded);
  const empty = median(empties);
  const rows = summarize(bundles, series, empty);
  printResults(rows, empty);
  reportGoals(goalsOf(rows));
} finally {
  await db?.stop();
  db = undefined;
  rmSync(workDir, { recursive: true, force: true });
}
