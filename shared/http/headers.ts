/**
 * Reading request headers, with nothing else to load: the authorizer and the gateways need these
 * without the parameter parsing and its error catalog.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Header lookup is case-insensitive (HTTP), whatever case the gateway hands us. */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}

/**
 * A list header (RFC 9110 5.3): a field sent on several lines is one list, its lines joined by
 * commas in order. API Gateway (and the local gateway) give every line in multiValueHeaders, the
 * last one alone in headers.
 */
export function listHeaderOf(
  event: Pick<APIGatewayProxyEvent, 'headers'> & Partial<Pick<APIGatewayProxyEvent, 'multiValueHeaders'>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  const lines: string[] = [];
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {}))
    if (key.toLowerCase() === wanted) lines.push(...(values ?? []));
  return lines.length ? lines.join(', ') : headerOf(event, name);
}

/** A request header as given, if it is a sane value to echo in a response header. */
export const echoableHeader = (event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined => {
  const value = headerOf(event, name);
  return value !== undefined && value.length <= 128 && /^[\x21-\x7e]+$/.test(value) ? value : undefined;
};

/** Echo the client's Request-ID as given (if it is a sane header value), even when it is malformed. */
export const echoableRequestId = (event: Pick<APIGatewayProxyEvent, 'headers'>): string | undefined =>
  echoableHeader(event, 'Request-ID');
