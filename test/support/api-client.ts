import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { devAuthEnvironment, ensureDevIssuer, signDevToken, type DevTokenOptions } from '../../local/dev-issuer.js';
import { createLocalGateway, type LocalGatewayOptions } from '../../local/gateway.js';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/local-runtime.js';
import { prepareLocalStack } from '../../local/runtime/local-stack.js';
import { readApiKeyConfig } from '../../shared/config.js';
import { assertConformsToContract, readCheckedResponse } from '../../support/contract-check.js';
import { inProcessFunctions } from './in-process-functions.js';

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

export interface UseApiOptions extends Partial<Omit<LocalGatewayOptions, 'stack' | 'functions'>> {
  /**
   * Run the functions from source in this process instead of as deployed: only for tests that
   * inject faults into the runtime's own DynamoDB client.
   */
  inProcess?: boolean;
}

/** The local runtime's settings from the test setup's environment (test/support/global-setup.ts). */
export const testRuntimeOptions = () => ({
  dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT!,
  tableName: process.env.TABLE_NAME!,
  requireApiKey: readApiKeyConfig().required,
  devIssuer: devAuthEnvironment(devIssuer()),
});

/**
 * Starts the local gateway for the test file, on a free port, in front of the dev stage's
 * functions as deployed (their bundles, environment and roles, IAM enforced), or in process.
 */
export function useApi(defaultTenant?: string, { inProcess = false, ...gatewayOptions }: UseApiOptions = {}) {
  let server: Server | undefined;
  let runtime: LocalRuntime | undefined;
  let baseUrl = '';
  beforeAll(async () => {
    let gateway: LocalGatewayOptions;
    if (inProcess) {
      const { stack } = await prepareLocalStack(testRuntimeOptions());
      gateway = { stack, functions: inProcessFunctions(stack) };
    } else {
      runtime = await startLocalRuntime(testRuntimeOptions());
      gateway = { stack: runtime.stack, functions: runtime.functions };
    }
    server = createLocalGateway({ ...gateway, ...gatewayOptions });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await runtime?.stop();
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
    /** The running functions and their stack (deployed runs only). */
    get runtime() {
      return runtime;
    },
    create: async (input: unknown, options: RequestOptions = {}) => {
      const response = await call('POST', '/meetings', { ...options, body: input });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
      return response.body.meetingId as string;
    },
  };
}
