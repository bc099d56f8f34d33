/**
 * The README's commands as a user runs them: `npm start` (DynamoDB Local persisted in DATA_DIR,
 * stopped with it) and `npm run -s token`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meetingInput } from '../../support/fixtures.js';

const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-start-'));
/**
 * As package.json's start script runs it: one Node process with tsx as a loader. (The tsx CLI runs
 * a second process and, on SIGTERM, gives it only moments before killing it: under load the
 * runner's shutdown never ran and DynamoDB Local's Java process was left behind.)
 */
const startArgs = ['--import', 'tsx', 'local/start.ts'];
/** The runner's own environment: nothing the test setup configured for the in-process gateway. */
const {
  DYNAMODB_ENDPOINT: _e,
  TABLE_NAME: _t,
  JWT_ISSUER: _i,
  JWT_AUDIENCE: _a,
  JWT_JWKS_URI: _j,
  // npm run iam:report covers the API tests' own runtimes, on their table.
  IAM_DECISION_LOG: _d,
  ...baseEnv
} = process.env;
const env = { ...baseEnv, DATA_DIR: dataDir, PORT: '0' };
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; url: string; javaPid: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, startArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
        resolve({ child, url, javaPid: Number(javaPid), exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}): ${output}`)));
  });
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function token(...args: string[]) {
  return spawnSync('npm', ['run', '-s', 'token', '--', ...args], { env, encoding: 'utf8' });
}

describe('npm start and npm run -s token', () => {
  it('prints exactly one JWT and nothing else; refuses bad flags', () => {
    const result = token('--tenant', 'acme', '--read-only', '--expires-in', '60');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    // The first token of a data folder makes its issuer, and says which npm start accepts it.
    expect(result.stderr).toContain(`made a new dev issuer in ${dataDir}`);
    expect(token().stderr).toBe('');
    const payload = JSON.parse(Buffer.from(result.stdout.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({ tenant_id: 'acme', scope: 'meetings/read' });
    expect(payload.exp - payload.iat).toBe(60);
    // The subject defaults to dev-client-<tenant>; --subject and --client-id set sub and client_id.
    expect(payload).toMatchObject({ sub: 'dev-client-acme' });
    expect(payload.client_id).toBeUndefined();
    const named = token('--tenant', 'acme', '--subject', 'agent-anna', '--client-id', 'crm-1');
    const claims = JSON.parse(Buffer.from(named.stdout.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'agent-anna', client_id: 'crm-1', tenant_id: 'acme' });
    expect(token('--subject', 'two words').status).toBe(2);
    const bad = token('--expires-in', 'soon');
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/--expires-in/);
  });

  it('serves the API with data that survives a restart, and SIGTERM stops DynamoDB Local too', async () => {
    const first = await start();
    const auth = { Authorization: `Bearer ${token().stdout.trim()}`, 'Request-ID': randomUUID() };
    const created = await fetch(`${first.url}/meetings`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(meetingInput()),
    });
    expect(created.status).toBe(201);
    const { meetingId } = (await created.json()) as { meetingId: string };
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(isRunning(first.javaPid)).toBe(false);

    const second = await start();
    const read = await fetch(`${second.url}/meetings/${meetingId}`, { headers: auth });
    expect(read.status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(isRunning(second.javaPid)).toBe(false);
  });

  it('says in one clear line that Java 17+ is needed when java is missing', () => {
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = spawnSync(process.execPath, startArgs, { env: { ...env, PATH: bin }, encoding: 'utf8' });
    rmSync(bin, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/Java 17\+.*install/)]);
  });
});
