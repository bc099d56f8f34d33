import type { APIGatewayProxyResult } from 'aws-lambda';

const BASE_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...BASE_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/** An answer without a body (204, 304). */
const withoutBody = (statusCode: number, headers: Record<string, string>): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Cache-Control': 'no-store', ...headers },
  body: '',
});

export const noContent = (headers: Record<string, string> = {}) => withoutBody(204, headers);

/** 304: the client's copy is current. */
export const notModified = (headers: Record<string, string>) => withoutBody(304, headers);
