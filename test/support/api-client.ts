import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { ensureDevIssuer, signDevToken, type DevTokenOptions } from '../../local/dev-issuer.js';
import { createLocalGateway, type LocalGatewayOptions } from '../../local/gateway.js';
import { assertConformsToContract, readCheckedResponse } from '../../scripts/support/contract-check.js';

/** Every response the API tests see is checked by the one conformance check the smoke check uses too. */
export { assertConformsToContract };

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
export function useApi(defaultTenant?: string, gatewayOptions?: LocalGatewayOptions) {
  const server = createLocalGateway(gatewayOptions);
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
    const result = await readCheckedResponse(await fetch(`${baseUrl}${path}`, { method, headers, body }));
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
