import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { ensureDevIssuer, signDevToken, type DevTokenOptions } from '../../local/dev-issuer.js';
import { createLocalGateway } from '../../local/gateway.js';
import { operations } from '../../shared/generated/contract.js';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { validate as validateMeeting } from '../../shared/generated/validators/Meeting.cjs';
import { validate as validateMeetingChanges } from '../../shared/generated/validators/MeetingChanges.cjs';
import { validate as validateMeetingCreated } from '../../shared/generated/validators/MeetingCreated.cjs';
import { validate as validateMeetingSearchResult } from '../../shared/generated/validators/MeetingSearchResult.cjs';
import { validate as validateSubscriptionCreated } from '../../shared/generated/validators/SubscriptionCreated.cjs';
import { validate as validateSubscriptionList } from '../../shared/generated/validators/SubscriptionList.cjs';
import { matchRoute } from '../../shared/routes.js';

const responseValidators: Record<string, (data: unknown) => boolean> = {
  Error: validateError,
  Meeting: validateMeeting,
  MeetingChanges: validateMeetingChanges,
  MeetingCreated: validateMeetingCreated,
  MeetingSearchResult: validateMeetingSearchResult,
  SubscriptionCreated: validateSubscriptionCreated,
  SubscriptionList: validateSubscriptionList,
};

/**
 * Every response the API tests see must be one the document promises: a status the operation
 * declares, a body in its schema (none for 204), and the Request-ID echoed when one was sent.
 */
export function assertConformsToContract(
  method: string,
  path: string,
  requestId: string | null,
  response: { status: number; headers: Headers; text: string; body: unknown },
) {
  const where = `${method} ${path} -> ${response.status}`;
  if (requestId !== null && response.headers.get('request-id') !== requestId)
    throw new Error(`${where}: Request-ID not echoed`);
  const route = matchRoute(method, path.split('?')[0]!)?.route;
  const operation = route && operations.find((op) => op.operationId === route.operationId);
  const schema = operation ? (operation.responses as Record<string, string | null>)[String(response.status)] : 'Error';
  if (schema === undefined) throw new Error(`${where}: status not declared for ${operation!.operationId}`);
  if (schema === null) {
    if (response.text !== '') throw new Error(`${where}: body where the contract has none`);
    return;
  }
  if (!responseValidators[schema]!(response.body))
    throw new Error(`${where}: body does not match ${schema}: ${response.text.slice(0, 300)}`);
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  requestId?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export const devIssuer = () => ensureDevIssuer(process.env.DATA_DIR!);
export const tokenFor = (options: DevTokenOptions = {}) => signDevToken(devIssuer(), options);

/** Starts the local gateway (same authorizer and handlers as AWS) for the test file, on a free port. */
export function useApi(defaultTenant?: string) {
  const server = createLocalGateway();
  let baseUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function call(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? tokenFor({ tenant: defaultTenant }) : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const requestId = options.requestId === undefined ? randomUUID() : options.requestId;
    if (requestId !== null) headers['Request-ID'] = requestId;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const result = { status: response.status, headers: response.headers, body: parsed, text };
    assertConformsToContract(method, path, requestId, result);
    return result;
  }

  return {
    call,
    get baseUrl() {
      return baseUrl;
    },
    create: async (input: unknown, options: RequestOptions = {}) => {
      const response = await call('POST', '/meetings', { ...options, body: input });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
      return response.body.meetingId as string;
    },
  };
}
