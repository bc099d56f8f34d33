import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER, signJwt } from '../../local/dev-issuer.js';
import { createTokenVerifier, InvalidTokenError } from '../../shared/auth/token-verifier.js';
import { readAuthConfig } from '../../shared/config.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { devIssuer, tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: DEV_ISSUER,
  aud: DEV_AUDIENCE,
  sub: 'test',
  tenant_id: tenant,
  scope: 'meetings/read meetings/write',
  iat: now(),
  exp: now() + 600,
  ...overrides,
});
const signed = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  signJwt({ kid: devIssuer().kid, ...header }, payload, devIssuer().privateKey);

async function expectUnauthorized(token: string) {
  const requestId = randomUUID();
  const response = await api.call('GET', '/meetings', { token, requestId });
  expect([response.status, response.body]).toEqual([
    401,
    { errorCode: 'UNAUTHORIZED', message: 'Unauthorized request.' },
  ]);
  expect(response.headers.get('request-id')).toBe(requestId);
}

describe('authorizer (real signed JWTs, aws-jwt-verify)', () => {
  it('accepts a valid token of the dev issuer', async () => {
    expect((await api.call('GET', '/meetings', { token: signed(claims()) })).status).toBe(200);
  });

  it('answers 401 without a token or with a non-bearer Authorization header', async () => {
    const response = await api.call('GET', '/meetings', { token: null });
    expect([response.status, response.body.errorCode]).toEqual([401, 'UNAUTHORIZED']);
    const basic = await api.call('GET', '/meetings', { token: null, headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
  });

  it('answers 401 for an expired token (no leeway)', async () => {
    await expectUnauthorized(signed(claims({ iat: now() - 120, exp: now() - 1 })));
  });

  it('answers 401 once the token expires, although the gateway still caches its allow decision; nothing is written', async () => {
    const token = signed(claims({ exp: now() + 2 }));
    expect((await api.call('GET', '/meetings', { token })).status).toBe(200); // the decision is now cached
    await new Promise((resolve) => setTimeout(resolve, (now() + 3 - Date.now() / 1000) * 1000)); // past exp
    const notes = `written-with-expired-${randomUUID()}`;
    const write = await api.call('POST', '/meetings', { token, body: meetingInput({ notes }) });
    expect([write.status, write.body.errorCode]).toEqual([401, 'UNAUTHORIZED']);
    await expectUnauthorized(token);
    const found = await api.call('GET', `/meetings?freeTextSearch=${notes}`);
    expect(found.body.totalCount).toBe(0);
  });

  it('answers 401 for a correctly signed token without sub (or an empty one): every write names its actor', async () => {
    await expectUnauthorized(signed(claims({ sub: undefined })));
    await expectUnauthorized(signed(claims({ sub: '' })));
  });

  it('answers 401 for a correctly signed token without exp', async () => {
    await expectUnauthorized(signed(claims({ exp: undefined })));
  });

  it('answers 401 for a token not yet valid (nbf in the future)', async () => {
    await expectUnauthorized(signed(claims({ nbf: now() + 300 })));
  });

  it('answers 401 for a key the issuer does not publish (unknown kid, or a known kid with another key)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectUnauthorized(signJwt({ kid: randomUUID() }, claims(), privateKey));
    await expectUnauthorized(signJwt({ kid: devIssuer().kid }, claims(), privateKey));
  });

  it('answers 401 for alg none and for HS256 signed with the public key', async () => {
    await expectUnauthorized(`${b64({ alg: 'none', typ: 'JWT', kid: devIssuer().kid })}.${b64(claims())}.`);
    const publicPem = createPublicKey(devIssuer().privateKey).export({ type: 'spki', format: 'pem' });
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: devIssuer().kid })}.${b64(claims())}`;
    await expectUnauthorized(`${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`);
  });

  it('answers 401 for a tampered payload', async () => {
    const [header, , signature] = signed(claims({ scope: 'meetings/read' })).split('.');
    await expectUnauthorized(`${header}.${b64(claims({ scope: 'meetings/read meetings/write' }))}.${signature}`);
  });

  it('answers 401 for a foreign issuer or audience, and without a usable tenant claim', async () => {
    await expectUnauthorized(signed(claims({ iss: 'https://evil.example' })));
    await expectUnauthorized(signed(claims({ aud: 'another-api' })));
    await expectUnauthorized(signed(claims({ tenant_id: undefined })));
    await expectUnauthorized(signed(claims({ tenant_id: 'a#MEETING#b' })));
  });

  it('without partner keys required (the default), an x-api-key header, any or none, changes nothing', async () => {
    for (const headers of [{}, { 'x-api-key': 'anything' }, { 'x-api-key': '0'.repeat(56) }] as Record<
      string,
      string
    >[])
      expect((await api.call('GET', '/meetings', { token: signed(claims()), headers })).status).toBe(200);
  });

  it('answers 403 FORBIDDEN when the token lacks the operation scope, and lets it read', async () => {
    const readOnly = tokenFor({ tenant, readOnly: true });
    const id = await api.create(meetingInput());
    const requestId = randomUUID();
    for (const [method, path, body] of [
      ['POST', '/meetings', meetingInput()],
      ['PUT', `/meetings/${id}`, meetingInput()],
      ['DELETE', `/meetings/${id}`],
    ] as const) {
      const response = await api.call(method, path, { token: readOnly, body, requestId });
      expect([response.status, response.body.errorCode]).toEqual([403, 'FORBIDDEN']);
      expect(response.headers.get('request-id')).toBe(requestId);
    }
    expect((await api.call('GET', `/meetings/${id}`, { token: readOnly })).status).toBe(200);
    expect((await api.call('GET', '/meetings', { token: readOnly })).status).toBe(200);
    expect((await api.call('GET', '/meetings/changes', { token: readOnly })).status).toBe(200);
    const noScopes = signed(claims({ scope: 'profile' }));
    expect((await api.call('GET', '/meetings', { token: noScopes })).status).toBe(403);
    expect((await api.call('GET', '/meetings/changes', { token: noScopes })).status).toBe(403);
  });
});

describe('why a token is refused (the AuthorizerRejections metric, by reason)', () => {
  const reasonFor = async (token: string) => {
    const error = await createTokenVerifier(readAuthConfig())(token).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    if (!(error instanceof InvalidTokenError)) throw new Error(`expected InvalidTokenError, got ${String(error)}`);
    return error.reason;
  };

  it('names a bounded reason for each kind of refusal', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: [string, string][] = [
      ['not-a-jwt', 'malformed'],
      [signed(claims({ iat: now() - 120, exp: now() - 1 })), 'expired'],
      [signed(claims({ nbf: now() + 300 })), 'not-yet-valid'],
      [signed(claims({ exp: undefined })), 'no-expiry'],
      [signed(claims({ iss: 'https://evil.example' })), 'issuer'],
      [signed(claims({ aud: 'another-api' })), 'audience'],
      [signed(claims({ tenant_id: 'a#MEETING#b' })), 'tenant-claim'],
      [signed(claims({ sub: undefined })), 'no-subject'],
      [signJwt({ kid: randomUUID() }, claims(), privateKey), 'unknown-key'],
      [signJwt({ kid: devIssuer().kid }, claims(), privateKey), 'signature'],
    ];
    for (const [token, reason] of cases)
      expect([token.slice(0, 12), await reasonFor(token)]).toEqual([token.slice(0, 12), reason]);
  });
});
