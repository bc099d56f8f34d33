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

export const noContent = (headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode: 204,
  headers: { 'Cache-Control': 'no-store', ...headers },
  body: '',
});

/** 304: the client's copy is current; no body. */
export const notModified = (headers: Record<string, string>): APIGatewayProxyResult => ({
  statusCode: 304,
  headers: { 'Cache-Control': 'no-store', ...headers },
  body: '',
});
