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
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { MeetingApiStack } from '../lib/meeting-api-stack.js';
import { devAuthEnvironment, ensureDevIssuer, signDevToken } from '../local/dev-issuer.js';
import { ensureTable, startDynamoDbLocal, stopOnSignals, type RunningDynamoDb } from '../local/dynamodb-local.js';
import { meetingInput } from '../support/fixtures.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const WARMUPS = 2;
const MAX_BUNDLE_BYTES = 500 * 1024;
const GOAL_RATIO = 1.15;
const STRETCH_RATIO = 1.0;
const TABLE_NAME = 'meetings-coldstart-bench';
const REGION = 'eu-north-1';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL_FUNCTIONS = [
  'authorizer',
  'create-meeting',
  'search-meetings',
  'get-meeting',
  'update-meeting',
  'delete-meeting',
  'list-meeting-changes',
] as const;
type FunctionName = (typeof ALL_FUNCTIONS)[number];
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

type Template = {
  Resources: Record<
    string,
    {
      Type: string;
      Metadata?: Record<string, string>;
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }
  >;
};

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/** Each Lambda function of a synthesized stack: its bundle (index.mjs or index.js, as bundled) and deployed environment. */
function functionsOf(outdir: string, template: Template) {
  const found = new Map<FunctionName, { bundle: string; variables: Record<string, string> }>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
    const name = ALL_FUNCTIONS.find((n) => logicalId.replace(/[0-9A-F]{8}$/, '') === `${pascal(n)}Function`);
    if (!name) continue; // not one of ours (CDK's own helper functions)
    // References (table name, issuer) become placeholders; the bench overrides what the code reads.
    const variables = Object.fromEntries(
      Object.entries(resource.Properties.Environment?.Variables ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : `bench-${k.toLowerCase()}`,
      ]),
    );
    const asset = join(outdir, assetPath);
    found.set(name, {
      bundle: join(asset, existsSync(join(asset, 'index.mjs')) ? 'index.mjs' : 'index.js'),
      variables,
    });
  }
  for (const name of ALL_FUNCTIONS)
    if (!found.has(name)) throw new Error(`no bundle of ${name} in the synthesized assembly ${outdir}`);
  return found;
}

/**
 * The runner: loads the bundle the way the Lambda runtime does (import() for ESM .mjs, require()
 * for CommonJS .js), then calls handler(event, context) for each event of the file in turn and
 * writes each answer as one marked line to stdout (the functions' own log lines go there too).
 * With "load" instead of an event file it only loads the module and exits.
 */
const RUNNER = `'use strict';
const [bundle, eventFile] = process.argv.slice(2);
const fail = (error) => { process.stderr.write(String((error && error.stack) || error) + '\\n'); process.exit(1); };
(async () => {
  const mod = bundle.endsWith('.mjs') ? await import(require('node:url').pathToFileURL(bundle).href) : require(bundle);
  if (typeof mod.handler !== 'function') throw new Error('no handler export');
  if (eventFile === 'load') return process.exit(0);
  const events = JSON.parse(require('node:fs').readFileSync(eventFile, 'utf8'));
  let out = '';
  for (const [i, event] of events.entries()) {
    const context = { awsRequestId: 'bench-' + i, functionName: 'bench', functionVersion: '$LATEST', memoryLimitInMB: '512',
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000 };
    const line = '@@answer ' + JSON.stringify(await mod.handler(event, context)) + '\\n';
    if (events.length === 1) return process.stdout.write(line, () => process.exit(0));
    out += line;
  }
  process.stdout.write(out, () => process.exit(0));
})().catch(fail);
`;
const ANSWER = '@@answer ';

interface Sample {
  ms: number;
  answers: unknown[];
}

/**
 * Spawns node and times it: until the first answer line on stdout ('answer'), or until the process
 * exits ('exit'). Waits for the exit either way, so that samples never overlap.
 */
function run(args: string[], env: NodeJS.ProcessEnv, until: 'answer' | 'exit'): Promise<Sample> {
  return new Promise((resolve, reject) => {
    let answeredAt: bigint | undefined;
    let stdout = '';
    let stderr = '';
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (answeredAt === undefined && stdout.includes(ANSWER) && stdout.indexOf('\n', stdout.indexOf(ANSWER)) !== -1)
        answeredAt = process.hrtime.bigint();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', () => {
      if (until === 'exit') answeredAt = process.hrtime.bigint();
    });
    child.once('close', (code) => {
      const answers = stdout
        .split('\n')
        .filter((line) => line.startsWith(ANSWER))
        .map((line) => JSON.parse(line.slice(ANSWER.length)) as unknown);
      if (code !== 0)
        return reject(
          new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr.trim()}\n${stdout.trim()}`.trim()),
        );
      if (answeredAt === undefined)
        return reject(new Error(`node ${args.join(' ')} gave no answer:\n${stdout.trim()}`));
      resolve({ ms: Number(answeredAt - started) / 1e6, answers });
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

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
  // 1. Bundles: ours as deployed, and the references with NodejsFunction defaults.
  const ours = (() => {
    const outdir = join(workDir, 'ours');
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    new MeetingApiStack(app, 'ColdStartBench', { env: { account: '111111111111', region: REGION } });
    return functionsOf(outdir, app.synth().getStackByName('ColdStartBench').template as Template);
  })();
  const references = (() => {
    const outdir = join(workDir, 'reference');
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'ColdStartReference', { env: { account: '111111111111', region: REGION } });
    for (const name of ALL_FUNCTIONS) {
      new NodejsFunction(stack, `${pascal(name)}Function`, {
        entry: join(projectRoot, 'scripts', 'coldstart-reference', `${name}.ts`),
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        projectRoot,
        depsLockFilePath: join(projectRoot, 'package-lock.json'),
        bundling: { forceDockerBundling: false },
      });
    }
    return functionsOf(outdir, app.synth().getStackByName('ColdStartReference').template as Template);
  })();

  // 2. DynamoDB Local (in memory), the table, and a dev issuer whose token the authorizers verify.
  db = await startDynamoDbLocal();
  stopOnSignals(db);
  await ensureTable(db.endpoint, TABLE_NAME);
  const issuer = ensureDevIssuer(join(workDir, 'data'));
  const token = signDevToken(issuer, { tenant: 'bench', expiresInSeconds: 3 * 3600 });

  const runner = join(workDir, 'runner.cjs');
  writeFileSync(runner, RUNNER);
  // What the Lambda runtime sets, plus local storage and auth settings. Ours and the reference get the same.
  const envFor = (name: FunctionName, variables: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    NODE_PATH: join(projectRoot, 'node_modules'),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    // Powertools writes its ColdStart metric only for on-demand instances.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...variables,
    TABLE_NAME,
    // No DYNAMODB_ENDPOINT: ours takes its production path (the role's credentials from the
    // environment through the SDK's provider); both sides reach DynamoDB Local through the SDK's
    // own endpoint variable.
    AWS_ENDPOINT_URL_DYNAMODB: db!.endpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...devAuthEnvironment(issuer),
  });

  // 3. Events, as the gateway (local/gateway.ts) builds them.
  let eventFiles = 0;
  const eventFile = (events: unknown[]) => {
    const file = join(workDir, `event-${eventFiles++}.json`);
    writeFileSync(file, JSON.stringify(events));
    return file;
  };
  const requestContext = (method: string, resourcePath: string, path: string) => ({
    accountId: '111111111111',
    apiId: 'bench-api',
    stage: 'v1',
    requestId: randomUUID(),
    resourcePath,
    httpMethod: method,
    path: `/v1${path}`,
    protocol: 'HTTP/1.1',
    requestTimeEpoch: Date.now(),
    resourceId: 'bench',
    identity: { sourceIp: '127.0.0.1', userAgent: 'bench' },
  });
  const headersOf = (body: boolean) => ({
    Authorization: `Bearer ${token}`,
    'Request-ID': randomUUID(),
    Accept: 'application/json',
    ...(body ? { 'Content-Type': 'application/json' } : {}),
  });
  const proxyEvent = (
    tenantId: string,
    method: string,
    meetingId?: string,
    body?: unknown,
    fixedPath = '/meetings',
  ) => {
    const resource = meetingId ? '/meetings/{meetingId}' : fixedPath;
    const path = meetingId ? `/meetings/${meetingId}` : fixedPath;
    const headers = headersOf(body !== undefined);
    return {
      resource,
      path,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: meetingId ? { meetingId } : null,
      stageVariables: null,
      requestContext: {
        ...requestContext(method, resource, path),
        authorizer: {
          principalId: tenantId,
          tenantId,
          scopes: 'read write',
          tokenValidUntil: String(Math.floor(Date.now() / 1000) + 3 * 3600),
        },
      },
      body: body === undefined ? null : JSON.stringify(body),
      isBase64Encoded: false,
    };
  };
  const authorizerEvent = () => {
    const headers = headersOf(false);
    return {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-north-1:111111111111:bench-api/v1/GET/meetings',
      resource: '/meetings',
      path: '/meetings',
      httpMethod: 'GET',
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: requestContext('GET', '/meetings', '/meetings'),
    };
  };

  // 4. Seeding, through our create bundle (one process, untimed): each tenant's meetings.
  const seed = async (tenantId: string, count: number): Promise<string[]> => {
    if (count === 0) return [];
    const { bundle, variables } = ours.get('create-meeting')!;
    const events = Array.from({ length: count }, () => proxyEvent(tenantId, 'POST', undefined, meetingInput()));
    const { answers } = await run([runner, bundle, eventFile(events)], envFor('create-meeting', variables), 'exit');
    return answers.map((answer) => {
      const { statusCode, body } = answer as { statusCode: number; body: string };
      if (statusCode !== 201) throw new Error(`seeding: create-meeting answered ${statusCode}: ${body}`);
      return (JSON.parse(body) as { meetingId: string }).meetingId;
    });
  };
  const SEARCH_TENANT = 'bench-search';
  const RW_TENANT = 'bench-rw';
  await seed(SEARCH_TENANT, 10);
  const [getId, ourUpdateId, refUpdateId] = await seed(RW_TENANT, 3);
  const samplesPerSide = WARMUPS + RUNS;
  const deleteIds = { ours: await seed(RW_TENANT, samplesPerSide), reference: await seed(RW_TENANT, samplesPerSide) };

  type Side = 'ours' | 'reference';
  /** The event of one invocation of `name` by `side` (fresh where the operation needs it). */
  const eventOf = (name: FunctionName, side: Side): unknown => {
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
        return proxyEvent(RW_TENANT, 'GET', getId);
      case 'update-meeting':
        return proxyEvent(RW_TENANT, 'PUT', side === 'ours' ? ourUpdateId : refUpdateId, meetingInput());
      case 'delete-meeting': {
        const id = deleteIds[side].shift();
        if (!id) throw new Error('out of seeded meetings to delete');
        return proxyEvent(RW_TENANT, 'DELETE', id);
      }
    }
  };
  const checkAnswer = (name: FunctionName, side: Side, answer: unknown) => {
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
  };
  const bundles = { ours, reference: references };
  /** One cold request: a fresh process, one invocation, timed from spawn to the answer. */
  const coldRequest = async (name: FunctionName, side: Side): Promise<number> => {
    const { bundle, variables } = bundles[side].get(name)!;
    const file = eventFile([eventOf(name, side)]);
    const { ms, answers } = await run([runner, bundle, file], envFor(name, variables), 'answer');
    checkAnswer(name, side, answers[0]);
    return ms;
  };
  const moduleLoad = async (name: FunctionName): Promise<number> => {
    const { bundle, variables } = ours.get(name)!;
    return (await run([runner, bundle, 'load'], envFor(name, variables), 'exit')).ms;
  };
  const emptyStart = async () => (await run(['-e', '0'], { PATH: process.env.PATH }, 'exit')).ms;

  // 5. Warm-up (file cache; DynamoDB Local is slow on its first calls of each kind), then the timed runs.
  await emptyStart();
  for (const name of FUNCTIONS) {
    await moduleLoad(name);
    for (let i = 0; i < WARMUPS; i++) for (const side of ['ours', 'reference'] as const) await coldRequest(name, side);
  }
  const series = Object.fromEntries(
    FUNCTIONS.map((name) => [name, { ours: [] as number[], reference: [] as number[], load: [] as number[] }]),
  );
  const empties: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so that drift in machine load hits every series alike; who goes first alternates.
    empties.push(await emptyStart());
    for (const name of FUNCTIONS) {
      const order: Side[] = i % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
      for (const side of order) series[name]![side].push(await coldRequest(name, side));
      series[name]!.load.push(await moduleLoad(name));
    }
  }

  // 6. Report.
  const empty = median(empties);
  const rows = FUNCTIONS.map((name) => {
    const s = series[name]!;
    const request = median(s.ours);
    const reference = median(s.reference);
    const load = median(s.load);
    return {
      name,
      bytes: statSync(ours.get(name)!.bundle).size,
      referenceBytes: statSync(references.get(name)!.bundle).size,
      request,
      reference,
      // Each run's pair ran back to back: the median of the pairs' ratios cancels the machine's drift.
      ratio: median(s.ours.map((ms, i) => ms / s.reference[i]!)),
      load,
      loadRatio: load / empty,
    };
  });
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(`node ${process.version}, ${RUNS} runs each, medians; node -e 0: ${empty.toFixed(1)} ms`);
  console.log(
    [
      'function'.padEnd(20),
      'KiB'.padStart(7),
      'ref KiB'.padStart(8),
      'cold ms'.padStart(8),
      'ref ms'.padStart(7),
      'ratio'.padStart(6),
      'load ms'.padStart(8),
      'load/node -e 0'.padStart(15),
    ].join(' '),
  );
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(20),
        kib(r.bytes).padStart(7),
        kib(r.referenceBytes).padStart(8),
        r.request.toFixed(1).padStart(8),
        r.reference.toFixed(1).padStart(7),
        r.ratio.toFixed(2).padStart(6),
        r.load.toFixed(1).padStart(8),
        r.loadRatio.toFixed(2).padStart(15),
      ].join(' '),
    );
  }
  const worst = Math.max(...rows.map((r) => r.ratio));
  console.log(
    `module load vs node -e 0 (a figure, not a goal): worst ${Math.max(...rows.map((r) => r.loadRatio)).toFixed(2)}x`,
  );
  const goals = [
    {
      name: `every bundle <= ${MAX_BUNDLE_BYTES / 1024} KiB`,
      ok: rows.every((r) => r.bytes <= MAX_BUNDLE_BYTES),
      required: true,
    },
    {
      name: `cold request <= ${GOAL_RATIO}x the reference (worst ${worst.toFixed(2)}x)`,
      ok: rows.every((r) => r.ratio <= GOAL_RATIO),
      required: true,
    },
    {
      name: `stretch: cold request <= ${STRETCH_RATIO.toFixed(1)}x the reference`,
      ok: rows.every((r) => r.ratio <= STRETCH_RATIO),
      required: false,
    },
  ];
  for (const goal of goals) console.log(`${goal.ok ? 'PASS' : goal.required ? 'FAIL' : 'MISS'} ${goal.name}`);
  process.exitCode = goals.some((g) => g.required && !g.ok) ? 1 : 0;
} finally {
  await db?.stop();
  db = undefined;
  rmSync(workDir, { recursive: true, force: true });
}
