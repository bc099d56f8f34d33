import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const api = useApi(uniqueTenant());

const expectHouseError = (
  response: { status: number; body: unknown; headers: Headers },
  status: number,
  errorCode: string,
) => {
  expect([response.status, (response.body as { errorCode?: string })?.errorCode]).toEqual([status, errorCode]);
  expect(validateError(response.body)).toBe(true);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
};

describe('errors in the house format', () => {
  it('requires Request-ID on every operation (400, target Request-ID) and echoes a malformed one', async () => {
    const id = await api.create(meetingInput());
    for (const [method, path, body] of [
      ['POST', '/meetings', meetingInput()],
      ['GET', '/meetings'],
      ['GET', `/meetings/${id}`],
      ['PUT', `/meetings/${id}`, meetingInput()],
      ['DELETE', `/meetings/${id}`],
    ] as const) {
      const missing = await api.call(method, path, { body, requestId: null });
      expectHouseError(missing, 400, 'BAD_REQUEST_PARAMETERS');
      expect(missing.body.errors).toEqual([
        expect.objectContaining({ target: 'Request-ID', errorCode: 'VALUE_REQUIRED' }),
      ]);
      const malformed = await api.call(method, path, { body, requestId: 'not-a-uuid' });
      expect(malformed.body.errors).toEqual([
        expect.objectContaining({ target: 'Request-ID', errorCode: 'INVALID_TYPE' }),
      ]);
      expect(malformed.headers.get('request-id')).toBe('not-a-uuid');
    }
    expect((await api.call('GET', `/meetings/${id}`)).status).toBe(200); // nothing was deleted
  });

  it('answers 415 for a body that is not application/json, and stores nothing', async () => {
    const token = tokenFor({ tenant: uniqueTenant() });
    const response = await api.call('POST', '/meetings', {
      token,
      rawBody: JSON.stringify(meetingInput()),
      headers: { 'Content-Type': 'text/plain' },
    });
    expectHouseError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const search = await api.call('GET', '/meetings', { token });
    expect(search.body.totalCount).toBe(0);
  });

  it('answers 400 BAD_REQUEST_BODY for invalid JSON and for bodies over 64 KiB', async () => {
    expectHouseError(
      await api.call('POST', '/meetings', { rawBody: '{"typeCode":', headers: { 'Content-Type': 'application/json' } }),
      400,
      'BAD_REQUEST_BODY',
    );
    const big = {
      ...meetingInput(),
      meetingRealty: { categoryCode: 'SALE', streetAddress: 'x'.repeat(500) },
      notes: 'n'.repeat(9_999),
    };
    const oversized = JSON.stringify({ ...big, padding: ' '.repeat(70_000) });
    expectHouseError(
      await api.call('POST', '/meetings', { rawBody: oversized, headers: { 'Content-Type': 'application/json' } }),
      400,
      'BAD_REQUEST_BODY',
    );
  });

  it('answers 400 with errors[] naming each bad field, in the response schema', async () => {
    const response = await api.call('POST', '/meetings', {
      body: { ...meetingInput(), typeCode: 'PARTY', agents: [{ agentId: null }], extra: true },
    });
    expectHouseError(response, 400, 'BAD_REQUEST_BODY');
    expect(
      response.body.errors.map((e: { target: string; errorCode: string }) => `${e.target}:${e.errorCode}`).sort(),
    ).toEqual(['agents[0].agentId:INVALID_TYPE', 'extra:BAD_REQUEST_BODY', 'typeCode:INVALID_TYPE']);
  });

  it('checks in the contract order: token, Request-ID, path id, media type, body, existence, status', async () => {
    const locked = await api.create(meetingInput({ statusCode: 'CANCELLED' }));
    // bad token beats a missing Request-ID
    expectHouseError(await api.call('PUT', '/meetings/nope', { token: 'x.y.z', requestId: null }), 401, 'UNAUTHORIZED');
    // missing Request-ID beats a bad path id
    expectHouseError(
      await api.call('PUT', '/meetings/nope', { requestId: null, rawBody: 'x' }),
      400,
      'BAD_REQUEST_PARAMETERS',
    );
    // a bad path id beats a bad media type
    expectHouseError(
      await api.call('PUT', '/meetings/nope', { rawBody: 'x', headers: { 'Content-Type': 'text/plain' } }),
      404,
      'INVALID_ID',
    );
    // a bad media type beats a bad body
    expectHouseError(
      await api.call('PUT', `/meetings/${randomUUID()}`, { rawBody: 'x', headers: { 'Content-Type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    // a bad body beats an unknown id
    expectHouseError(
      await api.call('PUT', `/meetings/${randomUUID()}`, { body: { typeCode: 1 } }),
      400,
      'BAD_REQUEST_BODY',
    );
    // an unknown id beats the status rules; a bad body beats the status rules
    expectHouseError(
      await api.call('PUT', `/meetings/${randomUUID()}`, { body: meetingInput({ statusCode: 'WAITING' }) }),
      404,
      'INVALID_ID',
    );
    expectHouseError(
      await api.call('PUT', `/meetings/${locked}`, { body: { ...meetingInput({ statusCode: 'WAITING' }), notes: 5 } }),
      400,
      'BAD_REQUEST_BODY',
    );
    expectHouseError(
      await api.call('PUT', `/meetings/${locked}`, { body: meetingInput({ statusCode: 'WAITING' }) }),
      400,
      'INVALID_STATUS',
    );
  });

  it('answers unknown paths and methods with a house 404', async () => {
    const requestId = randomUUID();
    for (const [method, path] of [
      ['GET', '/nothing-here'],
      ['PATCH', '/meetings'],
      ['POST', `/meetings/${randomUUID()}`],
    ] as const) {
      const response = await api.call(method, path, { requestId });
      expectHouseError(response, 404, 'INVALID_ID');
      expect(response.headers.get('request-id')).toBe(requestId);
    }
  });
});
