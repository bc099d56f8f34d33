/**
 * Partner keys required (REQUIRE_API_KEY=true, as the stack's -c requireApiKey=true): the real
 * authorizer and the local gateway's usage plans, keys issued and revoked by the real command.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createMeetingApiClient, MeetingApiError } from '../../clients/typescript/index.js';
import { apiKeyFileIn, LocalApiKeyStore } from '../../local/api-key-store.js';
import { USAGE_PLANS } from '../../shared/auth/api-keys.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

// Before the authorizer module loads (on the first request): it reads its configuration once.
process.env.REQUIRE_API_KEY = 'true';

const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-keys-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const store = new LocalApiKeyStore(apiKeyFileIn(dataDir));
/** A plan of 3 requests a day, to spend in a test. */
const TINY_QUOTA = 3;
const api = useApi(undefined, {
  apiKeyStore: store,
  usagePlans: {
    ...USAGE_PLANS,
    tiny: { rateLimit: 100, burstLimit: 100, dailyQuota: TINY_QUOTA },
    // One request, then one every 1,000 s: the second is refused however slow the machine.
    slow: { rateLimit: 0.001, burstLimit: 1, dailyQuota: 1000 },
  },
});

/** `npm run -s api-key -- ...` as an operator runs it, on this test's data folder. */
const apiKeyCommand = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'local/api-key.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  }).trim();

const tenant = uniqueTenant();
const token = tokenFor({ tenant });
const search = (headers: Record<string, string>, requestId?: string) =>
  api.call('GET', '/meetings', { token, headers, ...(requestId ? { requestId } : {}) });

describe('partner keys required', () => {
  it('answers as today with a valid key of the token’s tenant, on every kind of operation', async () => {
    const key = apiKeyCommand('--tenant', tenant);
    expect(key).toMatch(/^[0-9a-f]{56}$/);
    const headers = { 'x-api-key': key };
    const created = await api.call('POST', '/meetings', { token, headers, body: meetingInput() });
    expect(created.status).toBe(201);
    const id = created.body.meetingId as string;
    expect((await api.call('GET', `/meetings/${id}`, { token, headers })).status).toBe(200);
    expect((await search(headers)).body.totalCount).toBe(1);
    expect((await api.call('DELETE', `/meetings/${id}`, { token, headers })).status).toBe(204);
    expect((await api.call('GET', '/meetings/changes', { token, headers })).status).toBe(200);
    expect((await api.call('GET', '/subscriptions', { token, headers })).status).toBe(200);
  });

  it('lets npm run smoke check a keyed deployment with --api-key (and that a keyless call is refused)', async () => {
    const key = apiKeyCommand('--tenant', tenant);
    // Not execFileSync: the gateway answering the smoke runs in this process.
    const { stdout: output } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/smoke.ts', '--url', api.baseUrl, '--token', token, '--api-key', key],
      { encoding: 'utf8' },
    );
    expect(output).toMatch(/^ok {3}no-key +GET \/meetings -> 404 /m);
    expect(output).toMatch(/^smoke: 12 steps passed against /m);
  });

  it('answers 404 INVALID_API_KEY for no key, an unknown, a revoked and another tenant’s key; nothing written', async () => {
    const revoked = apiKeyCommand('--tenant', tenant);
    apiKeyCommand('--revoke', revoked);
    const othersKey = apiKeyCommand('--tenant', uniqueTenant());
    const unknown = '0'.repeat(56);
    const notes = `keyless-${tenant}`;
    const keyHeaders: Record<string, string>[] = [
      {},
      { 'x-api-key': unknown },
      { 'x-api-key': revoked },
      { 'x-api-key': othersKey },
    ];
    for (const headers of keyHeaders) {
      for (const [method, path, body] of [
        ['GET', '/meetings', undefined],
        ['POST', '/meetings', meetingInput({ notes })],
      ] as const) {
        const requestId = crypto.randomUUID();
        const response = await api.call(method, path, { token, headers, body, requestId });
        expect([response.status, response.body]).toEqual([
          404,
          {
            errorCode: 'INVALID_API_KEY',
            message: 'Missing or invalid API key.',
            description: 'Send x-api-key with a valid partner key of your tenant.',
          },
        ]);
        expect(response.headers.get('request-id')).toBe(requestId);
      }
    }
    const valid = { 'x-api-key': apiKeyCommand('--tenant', tenant) };
    const written = await api.call('GET', `/meetings?freeTextSearch=${notes}`, { token, headers: valid });
    expect(written.body.totalCount).toBe(0);
  });

  it('checks the token first: 401 without a valid token, whatever the key', async () => {
    const key = apiKeyCommand('--tenant', tenant);
    const response = await api.call('GET', '/meetings', { token: 'not-a-jwt', headers: { 'x-api-key': key } });
    expect([response.status, response.body.errorCode]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('a revoked key stops working at once, though it worked a moment before', async () => {
    const key = apiKeyCommand('--tenant', tenant, '--plan', 'premium');
    expect((await search({ 'x-api-key': key })).status).toBe(200);
    // `--revoke -`: the key from stdin, off the command line.
    execFileSync(process.execPath, ['--import', 'tsx', 'local/api-key.ts', '--revoke', '-'], {
      env: { ...process.env, DATA_DIR: dataDir },
      input: `${key}\n`,
    });
    expect((await search({ 'x-api-key': key })).status).toBe(404);
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After once the plan’s daily quota is spent; nothing written', async () => {
    const key = store.issue(tenant, 'tiny' as never);
    const headers = { 'x-api-key': key };
    for (let i = 0; i < TINY_QUOTA; i++) expect((await search(headers)).status).toBe(200);
    const notes = `over-quota-${tenant}`;
    const refused = await api.call('POST', '/meetings', { token, headers, body: meetingInput({ notes }) });
    expect([refused.status, refused.body.errorCode]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await search(headers)).status).toBe(503);
    // Another key of the tenant has its own quota: the refused create wrote nothing.
    const other = { 'x-api-key': apiKeyCommand('--tenant', tenant) };
    const found = await api.call('GET', `/meetings?freeTextSearch=${notes}`, { token, headers: other });
    expect([found.status, found.body.totalCount]).toEqual([200, 0]);
  });

  it('answers 503 with Retry-After past the plan’s rate, as API Gateway throttles', async () => {
    const key = store.issue(tenant, 'slow' as never);
    const headers = { 'x-api-key': key };
    expect((await search(headers)).status).toBe(200);
    const throttled = await search(headers); // the bucket of 1 is empty
    expect([throttled.status, throttled.body.errorCode]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(throttled.headers.get('retry-after')).toBe('1');
  });
});

describe('the typed client with a partner key', () => {
  it('sends apiKey as x-api-key; without it the call is refused with 404 INVALID_API_KEY', async () => {
    const apiKey = apiKeyCommand('--tenant', tenant);
    const keyed = createMeetingApiClient({ baseUrl: api.baseUrl, token, apiKey });
    expect((await keyed.searchMeetings({})).totalCount).toBeGreaterThanOrEqual(0);
    const keyless = createMeetingApiClient({ baseUrl: api.baseUrl, token });
    const refusal = await keyless.searchMeetings({}).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MeetingApiError);
    expect((refusal as MeetingApiError).status).toBe(404);
  });
});

describe('npm run api-key', () => {
  it('refuses an unknown plan, a malformed tenant and a key it never issued', () => {
    const run = (...args: string[]) => {
      try {
        apiKeyCommand(...args);
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    expect(run('--tenant', tenant, '--plan', 'gold')).toBe(2);
    expect(run('--tenant', 'a#b')).toBe(2);
    expect(run('--revoke', 'f'.repeat(56))).toBe(1);
    expect(run()).toBe(2);
  });
});
