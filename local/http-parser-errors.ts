/**
 * Requests Node's HTTP parser refuses before any route runs: plain-words descriptions of its
 * errors, the Request-ID read from the raw bytes it had, and an answer written on the socket the
 * HTTP layer has let go of.
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Plain-words descriptions for requests Node's HTTP parser rejects before any handler runs. The
 * house error table has no 431/408/413, so all of them are 400 in the DEFAULT_4XX body.
 */
export const PARSER_ERROR_DESCRIPTIONS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: `The request headers are larger than ${maxHeaderSize / 1024} KiB.`,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'The chunk extensions of the request body are too large.',
  ERR_HTTP_REQUEST_TIMEOUT: 'The request was not received in full in time.',
  HPE_INVALID_EOF_STATE: 'The connection ended before the request was complete.',
  HPE_INVALID_METHOD: 'The request could not be parsed as HTTP: the request line does not start with a known method.',
  HPE_INVALID_URL:
    'The request could not be parsed as HTTP: the request target contains a character that is not allowed (non-ASCII must be percent-encoded).',
  HPE_INVALID_HEADER_TOKEN:
    'The request could not be parsed as HTTP: a header contains a character that is not allowed.',
  HPE_CR_EXPECTED: 'The request could not be parsed as HTTP: a line is not terminated by CRLF.',
  HPE_LF_EXPECTED:
    'The request could not be parsed as HTTP: a line is not terminated by CRLF (a bare CR is not allowed).',
  HPE_INVALID_CONTENT_LENGTH: 'The request could not be parsed as HTTP: the Content-Length header is invalid.',
  HPE_UNEXPECTED_CONTENT_LENGTH:
    'The request could not be parsed as HTTP: Content-Length and Transfer-Encoding are both present.',
  HPE_INVALID_TRANSFER_ENCODING: 'The request could not be parsed as HTTP: the Transfer-Encoding header is invalid.',
  HPE_INVALID_CHUNK_SIZE: 'The request could not be parsed as HTTP: the chunked body is malformed.',
  HPE_PAUSED_H2_UPGRADE: 'The request could not be parsed as HTTP: only HTTP/1.1 is served.',
};
export const PARSER_ERROR_FALLBACK = 'The request could not be parsed as HTTP: it is malformed.';
export const MISSING_HOST_DESCRIPTION = 'The request has no Host header.';
/** How long a rejected connection may keep sending after our answer, so the client can read it before the close. */
const LINGER_MS = 1000;

/** The last Request-ID header line in the bytes the parser had read (header name case-insensitive). */
export function requestIdInRawPacket(rawPacket: unknown): string | undefined {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  let found: string | undefined;
  for (const line of rawPacket.toString('latin1').split('\n')) {
    const match = /^request-id:[ \t]*(.*?)[ \t]*\r?$/i.exec(line);
    if (match) found = match[1];
  }
  return found;
}

/** Answers on a socket the HTTP layer has let go of, then closes it once the client has had time to read. */
export function answerOnSocket(socket: Duplex, result: APIGatewayProxyResult): void {
  const body = Buffer.from(result.body, 'utf8');
  const headers = {
    ...result.headers,
    'Content-Length': body.length,
    Connection: 'close',
    Date: new Date().toUTCString(),
  };
  const head = [
    `HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // end() instead of destroy(): closing with unread request bytes would send a RST that can drop the answer.
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
  socket.resume();
  // A socket handed over by the HTTP layer (CONNECT) has no error listener left; a reset must not crash the gateway.
  socket.on('error', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
