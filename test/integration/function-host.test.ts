/**
 * The local runtime's sandboxes (local/runtime/function-host.ts) run a function as Lambda does:
 * from its bundle folder with only its own environment, one invocation at a time each, ended at its
 * timeout with Lambda's timeout error, and a response over Lambda's payload limit refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeployedFunctions, RESPONSE_PAYLOAD_LIMIT_BYTES } from '../../local/runtime/function-host.js';

const bundleDir = mkdtempSync(join(tmpdir(), 'function-bundle-'));
// A CommonJS bundle, as `cdk synth` makes them: index.js exporting the handler.
writeFileSync(
  join(bundleDir, 'index.js'),
  `let invocations = 0;
exports.handler = async (event, context) => {
  invocations++;
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.bytes) return 'x'.repeat(event.bytes);
  if (event.fail) throw new Error('Unauthorized');
  return { env: { ...process.env }, invocations, remaining: context.getRemainingTimeInMillis() };
};`,
);
writeFileSync(join(bundleDir, 'broken.js'), 'module.exports = {}; throw new Error("cannot load");');
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

const definition = (handler = 'index.handler', timeoutSeconds = 1) => ({
  name: handler,
  bundleDir,
  handler,
  timeoutSeconds,
  // SILENT: the runtime's own error lines stay out of the test output.
  environment: { ONLY_THIS: 'yes', AWS_REGION: 'ddblocal', POWERTOOLS_LOG_LEVEL: 'SILENT' },
});
const host = new DeployedFunctions(
  new Map([
    ['index.handler', definition()],
    ['broken.handler', definition('broken.handler')],
  ]),
  2,
);
afterAll(() => host.stop());

describe('function sandboxes', () => {
  it("runs the bundle with its own environment, nothing of the runner's", async () => {
    process.env.RUNNER_SECRET = 'not for functions';
    const result = await host.invoke('index.handler', {});
    expect(result.ok).toBe(true);
    const payload = (result as { payload: { env: Record<string, string>; remaining: number } }).payload;
    expect(payload.env).toMatchObject({ ONLY_THIS: 'yes', AWS_REGION: 'ddblocal' });
    expect(payload.env.RUNNER_SECRET).toBeUndefined();
    expect(payload.remaining).toBeGreaterThan(0);
    expect(payload.remaining).toBeLessThanOrEqual(1000);
  });

  it('answers a thrown error as the invocation error Lambda reports', async () => {
    expect(await host.invoke('index.handler', { fail: true })).toEqual({
      ok: false,
      errorType: 'Error',
      errorMessage: 'Unauthorized',
    });
  });

  it('ends a sandbox past its timeout with Lambda’s timeout error; the next invocation starts a new one', async () => {
    const timedOut = await host.invoke('index.handler', { sleepMs: 3000 });
    expect(timedOut).toEqual({
      ok: false,
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 1.00 seconds',
    });
    const next = await host.invoke('index.handler', {});
    expect(next.ok).toBe(true);
  });

  it('refuses a response over the 6 MB payload limit', async () => {
    const result = await host.invoke('index.handler', { bytes: RESPONSE_PAYLOAD_LIMIT_BYTES });
    expect(result).toMatchObject({ ok: false, errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('runs one invocation at a time per sandbox, at most the limit of sandboxes at once', async () => {
    const limited = new DeployedFunctions(new Map([['index.handler', definition('index.handler', 5)]]), 2);
    try {
      const results = await Promise.all(
        Array.from({ length: 4 }, () => limited.invoke('index.handler', { sleepMs: 200 })),
      );
      // Two sandboxes, each counting its own invocations: 1 and 2 in each, never four first calls.
      const counts = results.map((result) => (result as { payload: { invocations: number } }).payload.invocations);
      expect(counts.sort()).toEqual([1, 1, 2, 2]);
    } finally {
      await limited.stop();
    }
  });

  it('ends invocations waiting for a sandbox when the host stops, starting none', async () => {
    const single = new DeployedFunctions(new Map([['index.handler', definition('index.handler', 5)]]), 1);
    const running = [1, 2, 3].map(() => single.invoke('index.handler', { sleepMs: 300 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await single.stop();
    const results = await Promise.all(running);
    expect(results.map((result) => (result.ok ? 'ok' : result.errorType))).toEqual([
      'Runtime.ExitError',
      'Runtime.Stopped',
      'Runtime.Stopped',
    ]);
  });

  it('fails every invocation of a bundle that cannot load, as an init error', async () => {
    const result = await host.invoke('broken.handler', {});
    expect(result).toMatchObject({ ok: false, errorMessage: 'cannot load' });
  });
});
