/**
 * Requests Node's HTTP parser rejects before any handler runs (fetch cannot send them, so they go
 * over raw sockets): the gateway still answers 400 in the house error body with a valid Request-ID.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { UUID_PATTERN } from '../../shared/domain/identifiers.js';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { useApi } from '../support/api-client.js';

const api = useApi();
let port = 0;
beforeAll(() => {
  port = Number(new URL(api.baseUrl).port);
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Writes the bytes and reads one response: status line, headers, then the body by Content-Length (or chunked). */
function sendRaw(bytes: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(
      () => finish(new Error(`no complete response; got ${JSON.stringify(received.toString('latin1'))}`)),
      5_000,
    );
    const finish = (error?: Error, response?: RawResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (response) resolve(response);
      else reject(error ?? new Error('no response'));
    };
    const tryParse = (): RawResponse | undefined => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine!)?.[1]);
      let rest = received.subarray(end + 4);
      if (headers['transfer-encoding'] === 'chunked') {
        const chunks: Buffer[] = [];
        for (;;) {
          const lineEnd = rest.indexOf('\r\n');
          if (lineEnd < 0) return undefined;
          const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
          if (rest.length < lineEnd + 2 + size + 2) return undefined;
          if (size === 0) return { status, headers, text: Buffer.concat(chunks).toString('utf8') };
          chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
          rest = rest.subarray(lineEnd + 2 + size + 2);
        }
      }
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < length) return undefined;
      return { status, headers, text: rest.subarray(0, length).toString('utf8') };
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = tryParse();
      if (response) finish(undefined, response);
    });
    // The server may close before reading everything we wrote; what it answered is what counts.
    socket.on('error', () => undefined);
    socket.on('close', () =>
      finish(
        tryParse()
          ? undefined
          : new Error(`closed without a complete response; got ${JSON.stringify(received.toString('latin1'))}`),
        tryParse(),
      ),
    );
    socket.write(bytes);
  });
}

const uuid = new RegExp(UUID_PATTERN);

function expectHouseBadRequest(response: RawResponse, requestId?: string) {
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['connection']).toBe('close');
  expect(response.headers['request-id']).toMatch(uuid);
  if (requestId) expect(response.headers['request-id']).toBe(requestId);
  const body = JSON.parse(response.text);
  expect(validateError(body), response.text).toBe(true);
  expect(body).toMatchObject({ errorCode: 'BAD_REQUEST_PARAMETERS', message: 'Invalid request parameters' });
  expect(body.description).toEqual(expect.any(String));
  // Plain words for the client, never the parser's internals.
  expect(response.text).not.toMatch(/HPE_|\bat .*:\d+:\d+/);
  return body as { description: string };
}

const request = (...parts: Array<string | Buffer>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part)));
const bigHeader = `X-Padding: ${'a'.repeat(20 * 1024)}\r\n`;

describe('parser-level errors get the house body and a Request-ID', () => {
  it('answers 400 to headers over 16 KiB, with a fresh Request-ID', async () => {
    const response = await sendRaw(request('GET /meetings HTTP/1.1\r\nHost: localhost\r\n', bigHeader, '\r\n'));
    const body = expectHouseBadRequest(response);
    expect(body.description).toMatch(/headers.*16 KiB/);
  });

  it('echoes a valid Request-ID sent before the oversized header', async () => {
    const requestId = randomUUID();
    const response = await sendRaw(
      request(`GET /meetings HTTP/1.1\r\nHost: localhost\r\nrequest-id: ${requestId}\r\n`, bigHeader, '\r\n'),
    );
    expectHouseBadRequest(response, requestId);
  });

  it('answers a fresh uuid when the sent Request-ID is not one', async () => {
    const response = await sendRaw(
      request('GET /meetings HTTP/1.1\r\nHost: localhost\r\nRequest-ID: not-a-uuid\r\n', bigHeader, '\r\n'),
    );
    expectHouseBadRequest(response);
    expect(response.headers['request-id']).not.toBe('not-a-uuid');
  });

  it('answers 400 to a raw non-ASCII byte in the path', async () => {
    const requestId = randomUUID();
    expectHouseBadRequest(
      await sendRaw(request('GET /meetings/', Buffer.from([0xe4]), ' HTTP/1.1\r\nHost: localhost\r\n\r\n')),
    );
    expectHouseBadRequest(
      await sendRaw(
        request(
          'GET /meetings/',
          Buffer.from([0xe4]),
          ` HTTP/1.1\r\nHost: localhost\r\nRequest-ID: ${requestId}\r\n\r\n`,
        ),
      ),
      requestId,
    );
  });

  it('answers 400 to a bare CR inside a header value', async () => {
    const requestId = randomUUID();
    expectHouseBadRequest(await sendRaw(request('GET /meetings HTTP/1.1\r\nHost: localhost\r\nX-Note: a\rb\r\n\r\n')));
    expectHouseBadRequest(
      await sendRaw(
        request(`GET /meetings HTTP/1.1\r\nHost: localhost\r\nRequest-ID: ${requestId}\r\nX-Note: a\rb\r\n\r\n`),
      ),
      requestId,
    );
  });

  it('answers 400 to a request line that is not HTTP', async () => {
    expectHouseBadRequest(await sendRaw(request('HELLO\r\n\r\n')));
  });
});

describe('other answers Node would give on its own', () => {
  it('answers 400 in the house body to an HTTP/1.1 request without Host', async () => {
    const requestId = randomUUID();
    expectHouseBadRequest(
      await sendRaw(request(`GET /meetings HTTP/1.1\r\nRequest-ID: ${requestId}\r\n\r\n`)),
      requestId,
    );
  });

  it('answers a CONNECT (no route has it) with the house 404 instead of dropping the connection', async () => {
    const requestId = randomUUID();
    const response = await sendRaw(
      request(`CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\nRequest-ID: ${requestId}\r\n\r\n`),
    );
    expect(response.status).toBe(404);
    expect(response.headers['request-id']).toBe(requestId);
    expect(JSON.parse(response.text)).toMatchObject({ errorCode: 'INVALID_ID' });
  });

  it('reads a request target starting with // as a path, not a host (no route: the house 404, never a 500)', async () => {
    for (const target of ['//x/meetings', '//[', '//evil.example:99999/meetings']) {
      const requestId = randomUUID();
      const response = await sendRaw(
        request(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nRequest-ID: ${requestId}\r\n\r\n`),
      );
      expect([target, response.status]).toEqual([target, 404]);
      expect(response.headers['request-id']).toBe(requestId);
      expect(JSON.parse(response.text)).toMatchObject({ errorCode: 'INVALID_ID' });
    }
  });

  it('does not answer an unknown Expect with an empty 417', async () => {
    const requestId = randomUUID();
    const response = await sendRaw(
      request(
        `GET /meetings HTTP/1.1\r\nHost: localhost\r\nRequest-ID: ${requestId}\r\nExpect: something-else\r\n\r\n`,
      ),
    );
    expect(response.status).toBe(401); // no token: the gateway's own answer, as without the Expect header
    expect(response.headers['request-id']).toBe(requestId);
    expect(validateError(JSON.parse(response.text))).toBe(true);
  });
});
