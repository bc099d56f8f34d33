/**
 * `npm start` as a user runs it, for the tests that need the whole local runner: one Node process
 * with tsx as a loader, as package.json's start script runs it. (The tsx CLI runs a second process
 * and, on SIGTERM, gives it only moments before killing it: under load the runner's shutdown never
 * ran and DynamoDB Local's Java process was left behind.) Its output is kept, every line of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const START_ARGS = ['--import', 'tsx', 'local/start.ts'];

/** The runner's own environment: nothing the test setup configured for the in-process gateway. */
export function runnerEnvironment(overrides: Record<string, string>): Record<string, string | undefined> {
  const {
    DYNAMODB_ENDPOINT: _e,
    TABLE_NAME: _t,
    JWT_ISSUER: _i,
    JWT_AUDIENCE: _a,
    JWT_JWKS_URI: _j,
    // npm run iam:report covers the API tests' own runtimes, on their table.
    IAM_DECISION_LOG: _d,
    ...base
  } = process.env;
  return { ...base, PORT: '0', ...overrides };
}

export interface StartedRunner {
  child: ChildProcess;
  url: string;
  javaPid: number;
  exited: Promise<number | null>;
  /** Everything the runner wrote to stdout and stderr so far. */
  output: () => string;
}

export async function startRunner(
  env: Record<string, string | undefined>,
  running: ChildProcess[],
): Promise<StartedRunner> {
  const child = spawn(process.execPath, START_ARGS, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const javaPid = /DynamoDB Local, pid (\d+)/.exec(output)?.[1];
      if (url && javaPid) {
        clearTimeout(timer);
        resolve({ child, url, javaPid: Number(javaPid), exited, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}): ${output}`)));
  });
}
