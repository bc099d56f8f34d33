/**
 * The README's commands as a user runs them: `npm start` (DynamoDB Local persisted in DATA_DIR,
 * stopped with it) and `npm run -s token`.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meetingInput } from '../../support/fixtures.js';
import { runnerEnvironment, START_ARGS, startRunner } from '../support/start-runner.js';

const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-start-'));
const env = runnerEnvironment({ DATA_DIR: dataDir });
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () => startRunner(env, running);

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
    const result = spawnSync(process.execPath, START_ARGS, { env: { ...env, PATH: bin }, encoding: 'utf8' });
    rmSync(bin, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/Java 17\+.*install/)]);
  });
});
