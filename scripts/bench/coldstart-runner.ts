/**
 * How bench:coldstart starts a bundle: a fresh node process that loads it the way the Lambda
 * runtime does and calls its handler, timed from spawn to the first answer or to its exit.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { erasureLedgerTableName } from '../../shared/dynamodb/table-definition.js';
import { projectRoot, REGION, type Bundle } from './coldstart-bundles.js';

/**
 * The runner: loads the bundle the way the Lambda runtime does (import() for ESM .mjs, require()
 * for CommonJS .js), then calls handler(event, context) for each event of the file in turn (the
 * context's time left counted from the function's timeout) and
 * writes each answer as one marked line to stdout (the functions' own log lines go there too).
 * With "load" instead of an event file it only loads the module and exits.
 */
const RUNNER = `'use strict';
const [bundle, eventFile, timeoutSeconds] = process.argv.slice(2);
const fail = (error) => { process.stderr.write(String((error && error.stack) || error) + '\\n'); process.exit(1); };
(async () => {
  const mod = bundle.endsWith('.mjs') ? await import(require('node:url').pathToFileURL(bundle).href) : require(bundle);
  if (typeof mod.handler !== 'function') throw new Error('no handler export');
  if (eventFile === 'load') return process.exit(0);
  const events = JSON.parse(require('node:fs').readFileSync(eventFile, 'utf8'));
  let out = '';
  for (const [i, event] of events.entries()) {
    const deadline = Date.now() + Number(timeoutSeconds) * 1000;
    const context = { awsRequestId: 'bench-' + i, functionName: 'bench', functionVersion: '$LATEST', memoryLimitInMB: '512',
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => deadline - Date.now() };
    const line = '@@answer ' + JSON.stringify(await mod.handler(event, context)) + '\\n';
    if (events.length === 1) return process.stdout.write(line, () => process.exit(0));
    out += line;
  }
  process.stdout.write(out, () => process.exit(0));
})().catch(fail);
`;
const ANSWER = '@@answer ';

export interface Sample {
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

export interface Runner {
  /** One process that calls the bundle's handler with each event in turn. */
  invoke(bundle: Bundle, events: unknown[], env: NodeJS.ProcessEnv, until: 'answer' | 'exit'): Promise<Sample>;
  /** One process that only imports the bundle, timed to its exit. */
  load(bundle: Bundle, env: NodeJS.ProcessEnv): Promise<Sample>;
  /** `node -e 0`: what starting node costs with nothing to load. */
  emptyStart(): Promise<Sample>;
}

/** Writes the runner and the event files it reads into `workDir`. */
export function createRunner(workDir: string): Runner {
  const runner = join(workDir, 'runner.cjs');
  writeFileSync(runner, RUNNER);
  let eventFiles = 0;
  const eventFile = (events: unknown[]) => {
    const file = join(workDir, `event-${eventFiles++}.json`);
    writeFileSync(file, JSON.stringify(events));
    return file;
  };
  return {
    invoke: (bundle, events, env, until) =>
      run([runner, bundle.bundle, eventFile(events), String(bundle.timeoutSeconds)], env, until),
    load: (bundle, env) => run([runner, bundle.bundle, 'load'], env, 'exit'),
    emptyStart: () => run(['-e', '0'], { PATH: process.env.PATH }, 'exit'),
  };
}

/** What the bench points every function at: DynamoDB Local's tables, the SQS stand-in, the dev issuer. */
export interface LocalSettings {
  tableName: string;
  endpoint: string;
  sqsEndpoint: string;
  auth: Record<string, string>;
}

/**
 * What the Lambda runtime sets for function `name`, its deployed variables, and the local storage,
 * queue and auth settings: ours and the reference get the same.
 */
export function lambdaEnvironment(
  name: string,
  variables: Record<string, string>,
  local: LocalSettings,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_PATH: join(projectRoot, 'node_modules'),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    // Powertools writes its ColdStart metric only for on-demand instances.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...variables,
    TABLE_NAME: local.tableName,
    ERASURE_LEDGER_TABLE_NAME: erasureLedgerTableName(local.tableName),
    // No DYNAMODB_ENDPOINT: ours takes its production path (the role's credentials from the
    // environment through the SDK's provider); both sides reach DynamoDB Local and the SQS
    // stand-in through the SDK's own endpoint variables.
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    AWS_ENDPOINT_URL_SQS: local.sqsEndpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...local.auth,
  };
}
