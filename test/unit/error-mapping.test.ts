import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { readAuthConfig, readStorageConfig } from '../../shared/config.js';
import { MeetingGone, MeetingNotFound, MeetingRuleViolation, StatusRuleViolation } from '../../shared/domain/errors.js';
import { StorageUnavailableError } from '../../shared/domain/meeting-repository.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { ERROR_CATALOG } from '../../shared/generated/error-catalog.js';
import { ApiError } from '../../shared/http/api-error.js';
import { toApiError } from '../../shared/http/error-mapping.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { logger } from '../../shared/logger.js';

/** As API Gateway passes the authorizer's context: every value a string. */
const validFor = (seconds: number) => String(Math.floor(Date.now() / 1000) + seconds);
const event = (overrides: Partial<APIGatewayProxyEvent> = {}) =>
  ({
    headers: { 'Request-ID': '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9' },
    requestContext: {
      authorizer: { tenantId: 'demo', subject: 'client-1', scopes: 'read write', tokenValidUntil: validFor(60) },
    },
    ...overrides,
  }) as unknown as APIGatewayProxyEvent;
const invoke = (handler: ReturnType<typeof apiHandler>, e = event()) => handler(e, {} as Context);

describe('the one mapping from domain errors to HTTP answers', () => {
  it('maps each domain error to its status and house body, with the offending fields as items', () => {
    const answer = (error: unknown) => {
      const apiError = toApiError(error);
      return { status: apiError.status, ...apiError.toBody(), headers: apiError.headers };
    };
    expect(answer(new MeetingNotFound('m'))).toMatchObject({
      status: 404,
      errorCode: 'INVALID_ID',
      message: 'Missing or invalid identifier.',
    });
    expect(answer(new MeetingGone('m'))).toMatchObject({ status: 410, errorCode: 'GONE' });
    expect(answer(new StatusRuleViolation([{ field: 'parties', message: 'locked' }]))).toMatchObject({
      status: 400,
      errorCode: 'INVALID_STATUS',
      errors: [{ target: 'parties', errorCode: 'INVALID_STATUS', message: 'locked' }],
    });
    expect(answer(new MeetingRuleViolation([{ field: 'agents[1].agentId', message: 'twice' }]))).toMatchObject({
      status: 400,
      errorCode: 'BAD_REQUEST_BODY',
      errors: [{ target: 'agents[1].agentId', errorCode: 'BAD_REQUEST_BODY', message: 'twice' }],
    });
    expect(answer(new StorageUnavailableError(new Error('x')))).toMatchObject({
      status: 503,
      errorCode: 'SERVICE_UNAVAILABLE',
      headers: { 'Retry-After': '1' },
    });
    expect(answer(new RangeError('internal'))).toEqual({
      status: 500,
      errorCode: 'TECHNICAL_ERROR',
      message: 'A technical error has occurred.',
      headers: {},
    });
  });

  it('takes every status and message from the catalog generated from the document', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CATALOG)) {
      const error = new ApiError(code as keyof typeof ERROR_CATALOG);
      expect([code, error.status, error.toBody().message]).toEqual([code, status, message]);
    }
  });
});

describe('error mapper', () => {
  it('maps an ApiError to its status and house body, echoing Request-ID', async () => {
    const response = await invoke(
      apiHandler('getMeeting', async () => {
        throw new MeetingGone('m');
      }),
    );
    expect(response.statusCode).toBe(410);
    expect(JSON.parse(response.body)).toEqual({
      errorCode: 'GONE',
      message: 'The requested resource is no longer available.',
    });
    expect(response.headers?.['Request-ID']).toBe('9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9');
  });

  it('maps storage unavailability to 503 with Retry-After', async () => {
    const response = await invoke(
      apiHandler('getMeeting', async () => {
        throw new StorageUnavailableError(new Error('throttled'));
      }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('1');
    expect(JSON.parse(response.body).errorCode).toBe('SERVICE_UNAVAILABLE');
  });

  it('maps anything else to 500 TECHNICAL_ERROR revealing nothing internal', async () => {
    const response = await invoke(
      apiHandler('getMeeting', async () => {
        throw new TypeError('secret table meetings-prod at line 42');
      }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/secret|meetings-prod|line 42|TypeError|stack/i);
    expect(JSON.parse(response.body)).toEqual({
      errorCode: 'TECHNICAL_ERROR',
      message: 'A technical error has occurred.',
    });
  });

  it('answers 403 when the authorizer context lacks the route scope, 401 without a tenant or a subject', async () => {
    const handler = apiHandler('createMeeting', async () => ({ statusCode: 201, body: '{}' }));
    const readOnly = await invoke(
      handler,
      event({
        requestContext: {
          authorizer: { tenantId: 'demo', subject: 'client-1', scopes: 'read', tokenValidUntil: validFor(60) },
        },
      } as never),
    );
    expect([readOnly.statusCode, JSON.parse(readOnly.body).errorCode]).toEqual([403, 'FORBIDDEN']);
    const noTenant = await invoke(
      handler,
      event({
        requestContext: { authorizer: { subject: 'client-1', scopes: 'read write', tokenValidUntil: validFor(60) } },
      } as never),
    );
    expect(noTenant.statusCode).toBe(401);
    const noSubject = await invoke(
      handler,
      event({
        requestContext: { authorizer: { tenantId: 'demo', scopes: 'read write', tokenValidUntil: validFor(60) } },
      } as never),
    );
    expect(noSubject.statusCode).toBe(401);
  });

  it('answers 401 when the cached decision outlives the token (or says nothing of its expiry), before the scope check', async () => {
    const handler = apiHandler('createMeeting', async () => ({ statusCode: 201, body: '{}' }));
    const expired = await invoke(
      handler,
      event({
        requestContext: {
          authorizer: { tenantId: 'demo', subject: 'client-1', scopes: 'read', tokenValidUntil: validFor(-2) },
        },
      } as never),
    );
    expect([expired.statusCode, JSON.parse(expired.body).errorCode]).toEqual([401, 'UNAUTHORIZED']);
    const unknown = await invoke(
      handler,
      event({
        requestContext: { authorizer: { tenantId: 'demo', subject: 'client-1', scopes: 'read write' } },
      } as never),
    );
    expect(unknown.statusCode).toBe(401);
    const valid = await invoke(
      handler,
      event({
        requestContext: {
          authorizer: { tenantId: 'demo', subject: 'client-1', scopes: 'read write', tokenValidUntil: validFor(2) },
        },
      } as never),
    );
    expect(valid.statusCode).toBe(201);
  });
});

describe('logs', () => {
  it('put the Request-ID on the access line and on the error line, and never the token or body', async () => {
    const info = vi.spyOn(logger, 'info');
    const error = vi.spyOn(logger, 'error');
    await invoke(
      apiHandler('getMeeting', async () => {
        throw new TypeError('boom');
      }),
      event({
        body: '{"notes":"secret"}',
        headers: { 'Request-ID': '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9', Authorization: 'Bearer abc.def.ghi' },
      }),
    );
    expect(info).toHaveBeenCalledWith(
      'request completed',
      expect.objectContaining({ requestId: '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9', statusCode: 500 }),
    );
    expect(error).toHaveBeenCalledWith(
      'request failed',
      expect.objectContaining({ requestId: '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9' }),
    );
    expect(
      JSON.stringify([
        ...info.mock.calls,
        ...error.mock.calls.map(([m, a]) => [m, { ...(a as object), error: undefined }]),
      ]),
    ).not.toMatch(/abc\.def\.ghi|secret/);
    info.mockRestore();
    error.mockRestore();
  });
});

describe('configuration', () => {
  it('fails fast naming the missing variable', () => {
    expect(() => readStorageConfig({})).toThrow(/TABLE_NAME is not set/);
    expect(() => readStorageConfig({ TABLE_NAME: 't' })).toThrow(/AWS_REGION is not set/);
    expect(() => readStorageConfig({ TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'localhost:8000' })).toThrow(
      /DYNAMODB_ENDPOINT must be/,
    );
    expect(() => readStorageConfig({ TABLE_NAME: 't', AWS_REGION: 'eu-north-1' })).toThrow(
      /AWS_ACCESS_KEY_ID is not set/,
    );
    expect(() => readStorageConfig({ TABLE_NAME: 't', AWS_REGION: 'eu-north-1', AWS_ACCESS_KEY_ID: 'AKID' })).toThrow(
      /AWS_SECRET_ACCESS_KEY is not set/,
    );
    expect(() => readAuthConfig({ JWT_ISSUER: 'i', JWT_JWKS_URI: 'https://x/jwks' })).toThrow(
      /JWT_AUDIENCE is not set/,
    );
    expect(() => readAuthConfig({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_JWKS_URI: 'http://x/jwks' })).toThrow(
      /https:\/\/ or file:\/\//,
    );
  });

  it('takes the role credentials Lambda puts in the environment through the SDK; DynamoDB Local gets fixed ones', async () => {
    const lambda = {
      TABLE_NAME: 't',
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    };
    expect(readStorageConfig(lambda)).toEqual({ tableName: 't', region: 'eu-north-1' });
    const saved = { ...process.env };
    try {
      Object.assign(process.env, lambda);
      const credentials = await createDocumentClient(readStorageConfig(lambda)).config.credentials();
      expect(credentials).toMatchObject({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' });
    } finally {
      process.env = saved;
    }
    const local = readStorageConfig({ TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' });
    expect(local).toEqual({
      tableName: 't',
      region: 'local',
      endpoint: 'http://127.0.0.1:8000',
      localCredentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(await createDocumentClient(local).config.credentials()).toMatchObject({
      accessKeyId: 'local',
      secretAccessKey: 'local',
    });
  });

  it('reads defaults for tenant claim, scopes and leeway', () => {
    expect(readAuthConfig({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a,b', JWT_JWKS_URI: 'https://x/jwks' })).toEqual({
      issuer: 'i',
      audience: ['a', 'b'],
      jwksUri: 'https://x/jwks',
      tenantClaim: 'tenant_id',
      scopes: { read: 'meetings/read', write: 'meetings/write', privacy: 'meetings/privacy' },
      clockLeewaySeconds: 0,
    });
  });
});
