/**
 * One delivery attempt (shared/webhooks/deliver.ts) against real HTTP servers on loopback: the
 * connection goes to an address the check passed (pinned, whatever DNS would say), a redirect is a
 * failure and is not followed, and no answer within the timeout is a failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingCloudEvent } from '../../shared/domain/meeting-events.js';
import { deliverEvent } from '../../shared/webhooks/deliver.js';
import { verifySignature } from '../../shared/webhooks/signature.js';

const received: Array<{ path: string; signature: string; body: string }> = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url!,
        signature: String(req.headers['x-ovipro-signature']),
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url === '/redirect') res.writeHead(302, { Location: `http://127.0.0.1:${port}/elsewhere` }).end();
      else if (req.url === '/silent') setTimeout(() => res.writeHead(200).end(), 2_000);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const event = { id: 'e1', type: 'meeting.created', tenantid: 't' } as unknown as MeetingCloudEvent;
const subscription = (url: string) => ({
  subscriptionId: 's1',
  url,
  eventTypes: ['meeting.created' as const],
  creationTime: '2026-01-01T00:00:00.000Z',
  secret: 'a-secret',
});
/** A resolver that knows one made-up name: it resolves to this machine, as a checked address. */
const deps = {
  policy: { allowLoopback: true },
  resolveHost: async (host: string) => (host === 'hooks.pinned.test' ? ['127.0.0.1'] : []),
};

describe('a webhook delivery attempt', () => {
  it('posts the signed event to the checked address, whatever the system resolver knows of the name', async () => {
    const outcome = await deliverEvent(deps, subscription(`http://hooks.pinned.test:${port}/ok`), event);
    expect(outcome).toEqual({ delivered: true, status: 204 });
    const last = received.at(-1)!;
    expect(last.path).toBe('/ok');
    expect(verifySignature('a-secret', last.body, last.signature, Date.now())).toBe(true);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const before = received.length;
    expect(await deliverEvent(deps, subscription(`http://127.0.0.1:${port}/redirect`), event)).toEqual({
      delivered: false,
      reason: 'answered 302',
    });
    expect(received.slice(before).map((r) => r.path)).toEqual(['/redirect']);
  });

  it('gives up on an answer that does not come within the timeout', async () => {
    const started = Date.now();
    const outcome = await deliverEvent(deps, subscription(`http://127.0.0.1:${port}/silent`), event, {
      timeoutMs: 300,
    });
    expect(outcome).toEqual({ delivered: false, reason: 'no answer within the timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refuses, without connecting, a URL whose host no longer passes the check', async () => {
    const before = received.length;
    const outcome = await deliverEvent(
      { ...deps, policy: { allowLoopback: false } },
      subscription(`http://127.0.0.1:${port}/ok`),
      event,
    );
    expect(outcome.delivered).toBe(false);
    expect(received.length).toBe(before);
  });
});
