/**
 * `npm run smoke`, run as a user runs it (its own Node process with tsx as the loader), against
 * the local gateway (the same authorizer and handlers as npm start and AWS), and against servers
 * that deviate from the contract in one way each: it must pass the first and fail the others.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STEPS = [
  'no-token',
  'unknown',
  'create',
  'replay',
  'read',
  'search',
  'update',
  'reread',
  'stale',
  'delete',
  'gone',
];

const api = useApi();

/** Async, not spawnSync: the gateway answering the child runs in this process. */
function smoke(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Relayed {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** A proxy to the local gateway that lets `deviate` change an answer before the smoke sees it. */
function deviatingProxy(deviate: (method: string, url: string, answer: Relayed) => Relayed): Promise<string> {
  return listen(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
        ) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        void fetch(`${api.baseUrl}${req.url}`, { method: req.method, headers, body }).then(async (response) => {
          const answer = deviate(req.method!, req.url!, {
            status: response.status,
            headers: Object.fromEntries(
              [...response.headers].filter(
                ([name]) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name),
              ),
            ),
            text: await response.text(),
          });
          res.writeHead(answer.status, answer.headers).end(answer.text);
        });
      });
    }),
  );
}

const lines = (output: string) => output.trimEnd().split('\n');

describe('npm run smoke', () => {
  it('passes every step against the local gateway, one ok line each, and leaves nothing behind', async () => {
    const tenant = uniqueTenant();
    const result = await smoke('--url', `${api.baseUrl}/`, '--token', tokenFor({ tenant }));
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      ...STEPS.map((step) =>
        expect.stringMatching(new RegExp(`^ok   ${step} +(GET|POST|PUT|DELETE) /meetings\\S* -> \\d{3} \\(\\d+ ms`)),
      ),
      `smoke: ${STEPS.length} steps passed against ${api.baseUrl}`,
    ]);
    expect(result.code).toBe(0);
    const left = await api.call('GET', '/meetings', { token: tokenFor({ tenant }) });
    expect(left.body.totalCount).toBe(0);
  });

  it('says what to fix when the deployment refuses its token', async () => {
    const expired = tokenFor({ tenant: uniqueTenant(), now: new Date(Date.now() - 2 * 3600_000) });
    const result = await smoke('--url', api.baseUrl, '--token', expired);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL unknown .* got 401 UNAUTHORIZED .*The token was refused: pass --token/);
  });

  it('waits for a search index that is behind (eventually consistent, as on AWS)', async () => {
    let searches = 0;
    const url = await deviatingProxy((method, url, answer) =>
      method === 'GET' && url.startsWith('/meetings?') && ++searches <= 2
        ? { ...answer, text: JSON.stringify({ meetings: [], totalCount: 0 }) }
        : answer,
    );
    const result = await smoke('--url', url, '--token', tokenFor({ tenant: uniqueTenant() }));
    expect(lines(result.stdout)).toContainEqual(expect.stringMatching(/^ok {3}search .* -> 200 \(\d+ ms, 3 tries\)$/));
    expect(result.code).toBe(0);
  });

  it.each([
    {
      deviation: 'a search answer without the Request-ID echo',
      step: 'search',
      reason: /Request-ID not echoed/,
      deviate: (method: string, url: string, answer: Relayed) => {
        if (method === 'GET' && url.startsWith('/meetings?')) delete answer.headers['request-id'];
        return answer;
      },
    },
    {
      deviation: 'a read answer with a field the schema does not have',
      step: 'read',
      reason: /body does not match Meeting \(\/: additionalProperties \{"additionalProperty":"internalNote"\}\)/,
      deviate: (method: string, url: string, answer: Relayed) =>
        method === 'GET' && answer.status === 200 && !url.includes('?')
          ? { ...answer, text: JSON.stringify({ ...JSON.parse(answer.text), internalNote: 'x' }) }
          : answer,
    },
    {
      deviation: 'a delete answered 200 with a body instead of 204',
      step: 'delete',
      reason: /expected 204, got 200; status not declared for deleteMeeting/,
      deviate: (method: string, _url: string, answer: Relayed) =>
        method === 'DELETE' && answer.status === 204
          ? { ...answer, status: 200, headers: { ...answer.headers, 'content-type': 'application/json' }, text: '{}' }
          : answer,
    },
  ])('fails at the step that meets $deviation, and still deletes its meeting', async ({ step, reason, deviate }) => {
    const tenant = uniqueTenant();
    const url = await deviatingProxy(deviate);
    const result = await smoke('--url', url, '--token', tokenFor({ tenant }));
    const output = lines(result.stdout);
    const failed = output.findIndex((line) => line.startsWith('FAIL'));
    expect(output.slice(0, failed)).toEqual(
      STEPS.slice(0, failed).map((name) => expect.stringMatching(`^ok   ${name} `)),
    );
    expect(output[failed]).toMatch(new RegExp(`^FAIL ${step} +\\S+ /meetings\\S* -> \\d{3} \\(\\d+ ms\\): `));
    expect(output[failed]).toMatch(reason);
    expect(output.slice(failed + 1, STEPS.length)).toEqual(
      STEPS.slice(failed + 1).map((name) => expect.stringMatching(`^skip ${name} `)),
    );
    expect(output.slice(STEPS.length)).toEqual([
      expect.stringMatching(/^ok {3}cleanup +DELETE \/meetings\/\S+ -> (204|410) .*deleted meeting/),
      expect.stringMatching(new RegExp(`^smoke: 1 of ${STEPS.length} steps failed \\(${step}\\)`)),
    ]);
    expect(result.code).toBe(1);
    // Through the real gateway: the tenant has no meeting left, whatever the proxy told the smoke.
    const left = await api.call('GET', '/meetings', { token: tokenFor({ tenant }) });
    expect(left.body.totalCount).toBe(0);
  });

  it('finds and deletes the meeting of a create whose answer was lost (a 502 after the write)', async () => {
    const tenant = uniqueTenant();
    let creates = 0;
    const url = await deviatingProxy((method, url, answer) =>
      method === 'POST' && url === '/meetings' && ++creates === 1
        ? { status: 502, headers: { 'content-type': 'application/json' }, text: '{"message":"Bad Gateway"}' }
        : answer,
    );
    const result = await smoke('--url', url, '--token', tokenFor({ tenant }));
    const output = lines(result.stdout);
    expect(output).toContainEqual(expect.stringMatching(/^FAIL create +POST \/meetings -> 502/));
    expect(output).toContainEqual(
      expect.stringMatching(/^ok {3}recover +POST \/meetings -> 201 .*the create's meeting is/),
    );
    expect(output).toContainEqual(
      expect.stringMatching(/^ok {3}cleanup +DELETE \/meetings\/\S+ -> 204 .*deleted meeting/),
    );
    expect(result.code).toBe(1);
    const left = await api.call('GET', '/meetings', { token: tokenFor({ tenant }) });
    expect(left.body.totalCount).toBe(0);
  });

  it('fails on the first step, without writing, against a server that answers wrongly or not at all', async () => {
    const wrong = await listen(createServer((_req, res) => res.writeHead(200).end('{}')));
    const answered = await smoke('--url', wrong, '--token', 'a.b.c');
    expect(lines(answered.stdout)[0]).toMatch(
      /^FAIL no-token GET \/meetings -> 200 \(\d+ ms\): expected 401, got 200; Request-ID not echoed$/,
    );
    expect(answered.stdout).not.toMatch(/^ok /m);
    expect(answered.code).toBe(1);

    const closed = await listen(createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const unreachable = await smoke('--url', closed, '--token', 'a.b.c');
    expect(lines(unreachable.stdout)[0]).toMatch(
      /^FAIL no-token GET \/meetings \(\d+ ms\): fetch failed: .*ECONNREFUSED/,
    );
    expect(unreachable.stdout + unreachable.stderr).not.toMatch(/\n\s+at /);
    expect(unreachable.code).toBe(1);
  });

  it.each([
    [[]],
    [['--url', 'http://127.0.0.1:3000']],
    [['--token', 'a.b.c']],
    [['--url', 'not a url', '--token', 'a.b.c']],
    [['--url', 'ftp://127.0.0.1/', '--token', 'a.b.c']],
    [['--url', 'http://127.0.0.1:3000', '--token', 'a.b.c', '--verbose']],
    [['--url', 'http://127.0.0.1:3000', '--token', 'a.b.c', 'extra']],
  ])('refuses arguments %j with the usage on stderr and exit code 2', async (args) => {
    const result = await smoke(...args);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(
      /^smoke: .+\nusage: npm run smoke -- --url <api base url> --token <bearer jwt> \[--api-key <partner key>\]\n$/,
    );
  });
});
