/**
 * npm run bench:coldstart: what a caller feels of a cold start. For every function the stack
 * deploys, the time from process spawn to the first answer of a real invocation (the authorizer
 * verifying a real token; each operation handling a valid request against DynamoDB Local; the
 * stream- and queue-fed functions a real event, their SQS calls and webhooks answered by
 * endpoints of the bench: scripts/bench/coldstart-*-invocations.ts), interleaved in one run with
 * the same measurement of a reference: the plainest handler AWS documents for that job
 * (scripts/coldstart-reference/<function>.ts: one SDK command, aws-jwt-verify or a fetch, bundled
 * with NodejsFunction defaults; no middy, no validation, no logger). Medians of BENCH_RUNS
 * (default 21, at least 15 for a figure); the ratio is the median of the per-run ratios of
 * back-to-back pairs. BENCH_FUNCTIONS=a,b measures only those.
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
 * Goals: every bundle <= 500 KiB; cold request <= 1.15x the reference; reported, not required:
 * <= 1.10x per function and the stretch <= 1.0x. Exit 1 on a FAIL.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthEnvironment, ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import type { RunningDynamoDb } from '../local/dynamodb-local.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { apiInvocations } from './bench/coldstart-api-invocations.js';
import {
  projectRoot,
  REGION,
  synthOurs,
  synthReferences,
  type Bundle,
  type Bundles,
  type FunctionName,
} from './bench/coldstart-bundles.js';
import { eventInvocations } from './bench/coldstart-event-invocations.js';
import { SIDES, type Invocation, type Side } from './bench/coldstart-invocation.js';
import { createRunner, lambdaEnvironment, type Runner } from './bench/coldstart-runner.js';
import { lambdaEvents } from './bench/lambda-events.js';
import { startLocalEndpoints, type LocalEndpoints } from './bench/local-endpoints.js';
import { startLocalTable } from './bench/seed.js';
import { median } from './bench/stats.js';
import { printTable } from './bench/table.js';
import { reportGoals, type Goal } from './bench/verdicts.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const WARMUPS = 2;
const MAX_BUNDLE_BYTES = 500 * 1024;
const GOAL_RATIO = 1.15;
const FUNCTION_RATIO = 1.1;
const STRETCH_RATIO = 1.0;
const TABLE_NAME = 'meetings-coldstart-bench';

if (!Number.isInteger(RUNS) || RUNS < 15)
  throw new Error(`BENCH_RUNS must be a whole number >= 15, got "${process.env.BENCH_RUNS}"`);

/** What the steps after the setup invoke and with what. */
interface Bench {
  functions: readonly FunctionName[];
  bundles: Record<Side, Bundles>;
  runner: Runner;
  invocations: Record<FunctionName, Invocation>;
  envFor(name: FunctionName, side: Side): NodeJS.ProcessEnv;
}

type Series = Record<string, { ours: number[]; reference: number[]; load: number[] }>;

type Row = ReturnType<typeof summarize>[number];

/**
 * Every function the stack deploys, found in the synthesized template, and every folder of
 * functions/ among them; BENCH_FUNCTIONS=a,b keeps those (a focused run: the goals then cover only them).
 */
function functionsToMeasure(ours: Bundles): FunctionName[] {
  const deployed = [...ours.keys()];
  const undeployed = readdirSync(join(projectRoot, 'functions')).filter((name) => !ours.has(name));
  if (undeployed.length) throw new Error(`functions/ that the stack does not deploy: ${undeployed.join(', ')}`);
  const asked = process.env.BENCH_FUNCTIONS?.split(',').map((name) => name.trim());
  const unknown = asked?.filter((name) => !ours.has(name)) ?? [];
  if (unknown.length) throw new Error(`BENCH_FUNCTIONS names no deployed function: ${unknown.join(', ')}`);
  return asked ? deployed.filter((name) => asked.includes(name)) : deployed;
}

// Both sides are measured on bundles as they would be deployed, not on the sources; a function
// without a reference stops the bench.
function buildBundles(workDir: string): Record<Side, Bundles> {
  const ours = synthOurs(workDir);
  return { ours, reference: synthReferences(workDir, [...ours.keys()]) };
}

// The operations need real tables, the authorizer a token that a real issuer signed, the queue-fed
// functions an SQS endpoint and a webhook receiver.
function prepareInvocations(
  workDir: string,
  bundles: Record<Side, Bundles>,
  db: RunningDynamoDb,
  endpoints: LocalEndpoints,
): Bench {
  const issuer = ensureDevIssuer(join(workDir, 'data'));
  const token = signDevToken(issuer, { tenant: 'bench', expiresInSeconds: 3 * 3600 });
  const runner = createRunner(workDir);
  const local = { tableName: TABLE_NAME, endpoint: db.endpoint, sqsEndpoint: endpoints.sqsEndpoint };
  const settings = { ...local, auth: devAuthEnvironment(issuer) };
  const invocations: Record<FunctionName, Invocation> = {};
  const envFor = (name: FunctionName, side: Side) => ({
    ...lambdaEnvironment(name, bundles[side].get(name)!.variables, settings),
    ...invocations[name]?.environment,
  });
  const ctx = {
    events: lambdaEvents(token),
    endpoints,
    samplesPerSide: WARMUPS + RUNS,
    async seedThrough(name: FunctionName, events: unknown[]) {
      if (events.length === 0) return [];
      return (await runner.invoke(bundles.ours.get(name)!, events, envFor(name, 'ours'), 'exit')).answers;
    },
  };
  const client = createDocumentClient({
    region: REGION,
    ...local,
    localCredentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  Object.assign(invocations, apiInvocations(ctx), eventInvocations(ctx, client, TABLE_NAME));
  const functions = functionsToMeasure(bundles.ours);
  const unplanned = [...bundles.ours.keys()].filter((name) => !invocations[name]);
  if (unplanned.length)
    throw new Error(`no invocation for ${unplanned.join(', ')} (scripts/bench/coldstart-*-invocations.ts)`);
  return { functions, bundles, runner, invocations, envFor };
}

// Seeded through our bundles in untimed processes, so the timed requests find real items.
async function seed(bench: Bench): Promise<void> {
  for (const name of bench.functions) await bench.invocations[name]!.seed?.();
}

// What a caller feels: a fresh process, one invocation, timed from spawn to the answer.
async function coldRequest(bench: Bench, name: FunctionName, side: Side): Promise<number> {
  const invocation = bench.invocations[name]!;
  const events = [await invocation.event(side)];
  const bundle = bench.bundles[side].get(name)!;
  const { ms, answers } = await bench.runner.invoke(bundle, events, bench.envFor(name, side), 'answer');
  await invocation.check(answers[0], side);
  return ms;
}

// The module's own share of a cold start, without the invocation.
async function moduleLoad(bench: Bench, name: FunctionName): Promise<number> {
  return (await bench.runner.load(bench.bundles.ours.get(name)!, bench.envFor(name, 'ours'))).ms;
}

// The file cache is cold and DynamoDB Local is slow on its first calls of each kind: neither belongs in a sample.
async function warmUp(bench: Bench): Promise<void> {
  await bench.runner.emptyStart();
  for (const name of bench.functions) {
    await moduleLoad(bench, name);
    for (let i = 0; i < WARMUPS; i++) for (const side of SIDES) await coldRequest(bench, name, side);
  }
}

// Interleaved, so that drift in machine load hits every series alike; who goes first alternates.
async function measure(bench: Bench): Promise<{ series: Series; empties: number[] }> {
  const series: Series = Object.fromEntries(
    bench.functions.map((name) => [name, { ours: [] as number[], reference: [] as number[], load: [] as number[] }]),
  );
  const empties: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    empties.push((await bench.runner.emptyStart()).ms);
    for (const name of bench.functions) {
      const order: Side[] = i % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
      for (const side of order) series[name]![side].push(await coldRequest(bench, name, side));
      series[name]!.load.push(await moduleLoad(bench, name));
    }
  }
  return { series, empties };
}

// Medians resist the odd slow spawn; each run's pair ran back to back, so the median of the pairs'
// ratios cancels the machine's drift.
function summarize(bench: Bench, series: Series, empty: number) {
  const { bundles } = bench;
  const size = (bundle: Bundle) => statSync(bundle.bundle).size;
  return bench.functions.map((name) => {
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
      { title: 'function', width: 22, align: 'left', cell: (r) => r.name },
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

// The size bound and the ratio to the reference are the goals; the per-function and stretch ratios only report.
function goalsOf(rows: Row[]): Goal[] {
  const worst = Math.max(...rows.map((r) => r.ratio));
  const over = (bound: number) => {
    const above = rows.filter((r) => r.ratio > bound).map((r) => r.name);
    return above.length ? `over: ${above.join(', ')}` : `all ${rows.length} functions`;
  };
  return [
    { name: `every bundle <= ${MAX_BUNDLE_BYTES / 1024} KiB`, ok: rows.every((r) => r.bytes <= MAX_BUNDLE_BYTES) },
    {
      name: `cold request <= ${GOAL_RATIO}x the reference (worst ${worst.toFixed(2)}x)`,
      ok: rows.every((r) => r.ratio <= GOAL_RATIO),
    },
    {
      name: `every function: cold request <= ${FUNCTION_RATIO.toFixed(2)}x the reference (${over(FUNCTION_RATIO)})`,
      ok: rows.every((r) => r.ratio <= FUNCTION_RATIO),
      required: false,
    },
    {
      name: `stretch: cold request <= ${STRETCH_RATIO.toFixed(1)}x the reference (${over(STRETCH_RATIO)})`,
      ok: rows.every((r) => r.ratio <= STRETCH_RATIO),
      required: false,
    },
  ];
}

const workDir = mkdtempSync(join(tmpdir(), 'meeting-api-coldstart-'));
let db: RunningDynamoDb | undefined;
let endpoints: LocalEndpoints | undefined;
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
  endpoints = await startLocalEndpoints();
  const bench = prepareInvocations(workDir, bundles, db, endpoints);
  await seed(bench);
  await warmUp(bench);
  const { series, empties } = await measure(bench);
  const empty = median(empties);
  const rows = summarize(bench, series, empty);
  printResults(rows, empty);
  reportGoals(goalsOf(rows));
} finally {
  await endpoints?.close();
  await db?.stop();
  db = undefined;
  rmSync(workDir, { recursive: true, force: true });
}
