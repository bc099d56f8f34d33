/**
 * One kept-alive connection across a refused request: a body over API Gateway's 10 MB payload
 * limit is answered in the house format with `Connection: close`, so a client that reuses
 * connections opens a new one for its next request instead of losing it to a dropped socket; a
 * body refused for its route or its token leaves the connection usable.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { meetingInput } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const api = useApi();
/** One socket at a time, kept alive: every request goes over the previous one's connection if it stays open. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
afterAll(() => agent.destroy());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socketReused: boolean;
}

function post(path: string, body: Buffer | string, token: string | null = tokenFor()): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${api.baseUrl}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          'Request-ID': randomUUID(),
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            socketReused: req.reusedSocket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('a connection after an oversized body', () => {
  it('answers the 11 MiB POST with Connection: close, and the next request on the agent is served', async () => {
    const oversized = Buffer.alloc(11 * 1024 * 1024, 'a');
    for (let round = 0; round < 3; round++) {
      const refused = await post('/meetings', oversized);
      expect(refused.status).toBe(400);
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body)).toMatchObject({ errorCode: 'BAD_REQUEST_BODY' });

      const created = await post('/meetings', JSON.stringify(meetingInput()));
      expect(created.status, created.body).toBe(201);
      expect(created.socketReused).toBe(false);
      const { meetingId } = JSON.parse(created.body) as { meetingId: string };
      expect((await api.call('GET', `/meetings/${meetingId}`)).status).toBe(200);
    }
  });

  it('serves the next request on the connection after a refused body it did not need', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'a');
    for (const refusal of [() => post('/no-such-route', body), () => post('/meetings', body, null)]) {
      const refused = await refusal();
      expect([404, 401]).toContain(refused.status);
      const created = await post('/meetings', JSON.stringify(meetingInput()));
      expect(created.status, created.body).toBe(201);
      expect(created.socketReused).toBe(true);
    }
  });

  it('does not wait for an endless body over the limit: answers and closes after a bounded drain', async () => {
    const socket = connect(Number(new URL(api.baseUrl).port), '127.0.0.1');
    const started = Date.now();
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(
      `POST /meetings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${tokenFor()}\r\n` +
        `Request-ID: ${randomUUID()}\r\nContent-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n`,
    );
    // A slow sender that would take far longer than the drain to finish.
    const trickle = setInterval(() => socket.writable && socket.write('a'.repeat(1024)), 50);
    try {
      await closed;
    } finally {
      clearInterval(trickle);
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received.toLowerCase()).toContain('connection: close');
  });
});
