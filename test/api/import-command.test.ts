/**
 * `npm run -s import` as a migration runs it (contract-calendar-import.md, "Bulk create"): every
 * line accounted for, bad lines reported both times, nothing created the second time, keys from
 * `idempotencyKey` or the line's SHA-256, and retries through 503 answers and dropped connections.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const folder = mkdtempSync(join(tmpdir(), 'import-command-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function runImport(url: string, file: string, extra: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      join('node_modules', '.bin', 'tsx'),
      ['scripts/import-meetings.ts', '--url', url, '--token', tokenFor({ tenant }), '--file', file, ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run -s import', () => {
  it('accounts for every line, reports the bad ones both times, and creates nothing the second time', async () => {
    const notes = `import${randomUUID().slice(0, 8)}`;
    const meeting = () => JSON.stringify(meetingInput({ notes }));
    const keyed = { idempotencyKey: `legacy-${randomUUID()}`, ...meetingInput({ notes }) };
    const twice = meeting();
    const { typeCode: _typeCode, ...untyped } = meetingInput({ notes });
    const lines = [
      ...Array.from({ length: 150 }, meeting), // two batches
      JSON.stringify(keyed),
      twice,
      twice, // an equal line is the same meeting
      JSON.stringify(untyped), // line 154: refused by the API
      'not json', // line 155: never sent
      JSON.stringify({ ...keyed, idempotencyKey: 'a key with spaces' }), // line 156: never sent
      '', // line 157: empty, never sent
    ];
    const file = join(folder, 'meetings.ndjson');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);

    const first = await runImport(api.baseUrl, file);
    expect(first.stdout.trim().split('\n').at(-1)).toBe('created 152, replayed 1, failed 4, total 157');
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('import: 157/157 lines');
    const failuresFile = `${file}.failures.ndjson`;
    const failures = readFileSync(failuresFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as never);
    // Each with the line itself, to fix and import again.
    expect(failures).toMatchObject([
      { line: 154, status: 400, body: { errorCode: 'BAD_REQUEST_BODY' }, text: lines[153] },
      { line: 155, error: 'the line is not JSON', text: 'not json' },
      { line: 156, error: expect.stringContaining('idempotencyKey') as unknown, text: lines[155] },
      { line: 157, error: 'the line is empty', text: '' },
    ]);
    expect(statSync(failuresFile).mode & 0o777).toBe(0o600);
    const search = await api.call('GET', `/meetings?freeTextSearch=${notes}&size=1`);
    expect(search.body.totalCount).toBe(152);
    // The keyed line's meeting is the one its key names in POST /meetings too.
    const { idempotencyKey, ...keyedMeeting } = keyed;
    const replayed = await api.call('POST', '/meetings', {
      body: keyedMeeting,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    const second = await runImport(api.baseUrl, file, ['--concurrency', '2']);
    expect(second.stdout.trim().split('\n').at(-1)).toBe('created 0, replayed 153, failed 4, total 157');
    expect(second.code).toBe(1);
    expect((await api.call('GET', `/meetings?freeTextSearch=${notes}&size=1`)).body.totalCount).toBe(152);
  });

  /**
   * In front of the API: drops the first request's connection, forwards the second but answers it
   * 503 with Retry-After (the write lands, its answer is lost), forwards the rest.
   */
  async function flakyProxy() {
    const arrivals: number[] = [];
    const forward = (req: IncomingMessage, body: Buffer) => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)),
      ) as Record<string, string>;
      return fetch(`${api.baseUrl}${req.url}`, {
        method: req.method,
        headers,
        ...(body.length ? { body } : {}),
      });
    };
    const server: Server = createServer((req, res) => {
      arrivals.push(performance.now());
      const request = arrivals.length;
      if (request === 1) return req.socket.destroy();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void forward(req, Buffer.concat(chunks)).then(async (answer) => {
          if (request === 2) {
            res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '2' });
            return res.end(JSON.stringify({ errorCode: 'SERVICE_UNAVAILABLE', message: 'try again' }));
          }
          res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      arrivals,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  it('retries through a dropped connection and a lost answer, no sooner than Retry-After, and counts its own creates as created', async () => {
    const file = join(folder, 'flaky.ndjson');
    writeFileSync(file, `${JSON.stringify(meetingInput())}\n${JSON.stringify(meetingInput())}\n`);
    const failuresFile = join(folder, 'flaky-failures.ndjson');

    const first = await flakyProxy();
    try {
      const run = await runImport(first.url, file, ['--failures', failuresFile]);
      // The second try's writes landed though it was answered 503: its retry replays them, and they are this run's.
      expect([run.stdout.trim(), run.code]).toEqual(['created 2, replayed 0, failed 0, total 2', 0]);
      expect(first.arrivals[2]! - first.arrivals[1]!).toBeGreaterThanOrEqual(2_000);
      expect(readFileSync(failuresFile, 'utf8')).toBe('');
    } finally {
      await first.close();
    }

    // Again, through the same faults: an earlier run's meetings are replayed, not created.
    const second = await flakyProxy();
    try {
      const run = await runImport(second.url, file, ['--failures', failuresFile]);
      expect([run.stdout.trim(), run.code]).toEqual(['created 0, replayed 2, failed 0, total 2', 0]);
    } finally {
      await second.close();
    }
  });

  it('says how to call it when an option is missing (exit 2)', async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(join('node_modules', '.bin', 'tsx'), ['scripts/import-meetings.ts', '--url', 'http://x'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += String(chunk)));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run -s import --');
  });
});
