/**
 * Logs hold no personal data (contract-history-privacy.md, "Logs hold no personal data"): a run of
 * `npm start` at the default log level, metric lines on, through every operation with personal
 * data in its requests (and refusals and failures that echo nothing), then a search of everything
 * the runner, the authorizer and the functions wrote for the values sent.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meetingInput } from '../../support/fixtures.js';
import { runnerEnvironment, startRunner } from '../support/start-runner.js';

const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-logs-'));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

// The default level: no POWERTOOLS_LOG_LEVEL; metric lines written.
const { POWERTOOLS_LOG_LEVEL: _level, ...quietless } = runnerEnvironment({
  DATA_DIR: dataDir,
  POWERTOOLS_METRICS_DISABLED: 'false',
});
const env = quietless;

const token = (...flags: string[]) =>
  spawnSync('npm', ['run', '-s', 'token', '--', ...flags], { env, encoding: 'utf8' }).stdout.trim();

describe('logs hold no personal data', () => {
  it('a run through every operation writes no partyId, notes, street address or price it was sent', async () => {
    const runner = await startRunner(env, running);
    const bearer = token('--privacy');
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${runner.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${bearer}`,
          'Request-ID': randomUUID(),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };
    const partyId = randomUUID();
    const otherParty = randomUUID();
    const notes = `Personal note ${randomUUID()}`;
    const street = `Yksityistie ${randomUUID().slice(0, 8)}`;
    const price = 987_654_321;
    const input = meetingInput({
      parties: [
        { partyId, partyTypeCode: 'PERSON_PARTY' },
        { partyId: otherParty, partyTypeCode: 'PERSON_PARTY' },
      ],
      notes,
      meetingRealty: { categoryCode: 'SALE', streetAddress: street },
      priceEstimate: { minPrice: price, maxPrice: price + 1, currencyCode: 'EUR' },
    });
    const created = await call('POST', '/meetings', input);
    expect(created.status).toBe(201);
    const meetingId = created.body.meetingId as string;
    const statuses = [
      (await call('GET', `/meetings/${meetingId}`)).status,
      (await call('PUT', `/meetings/${meetingId}`, { ...input, statusCode: 'WON' })).status,
      (await call('GET', `/meetings?partyId=${partyId}&freeTextSearch=${encodeURIComponent(street)}`)).status,
      (await call('GET', `/meetings/${meetingId}/history`)).status,
      (await call('GET', `/privacy/exports?partyId=${partyId}`)).status,
      // Refusals that name the values sent: a status rule, a malformed body, a bad parameter.
      (await call('PUT', `/meetings/${meetingId}`, { ...input, statusCode: 'CANCELLED', parties: [input.parties[0]] }))
        .status,
      (await call('POST', '/meetings', { ...input, priceEstimate: { minPrice: price, maxPrice: 1 } })).status,
      (await call('POST', '/meetings', `{"notes": "${notes}"`)).status,
      (await call('GET', `/meetings?partyId=${partyId}x`)).status,
      (await call('POST', '/privacy/erasures', { partyId })).status,
      (await call('GET', `/meetings/${meetingId}`)).status,
    ];
    expect(statuses).toEqual([200, 204, 200, 200, 200, 400, 400, 400, 400, 202, 200]);
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toBe(0);

    const logs = runner.output();
    // The run did log: one access line per request at least.
    expect(logs.match(/request completed/g)?.length ?? 0).toBeGreaterThanOrEqual(statuses.length);
    for (const value of [partyId, otherParty, notes, street, String(price), String(price + 1)])
      expect(logs.includes(value), `the logs hold ${value}`).toBe(false);
  });
});
