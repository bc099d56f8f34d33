import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_AUDIENCE, DEFAULT_SCOPES, DEFAULT_TENANT_CLAIM } from '../shared/auth/auth-defaults.js';
import { OWNER_ONLY_FILE_MODE, ownerOnlyDirectory, ownerOnlyFilesIn } from './owner-only-files.js';

/** The local development issuer: an RSA key pair in the data folder, shared by `npm start` and `npm run token`. */
export const DEV_ISSUER = 'urn:meeting-api:local-dev-issuer';
export const DEV_AUDIENCE = DEFAULT_AUDIENCE;
export const DEV_SCOPES = DEFAULT_SCOPES;
export const DEV_TENANT_CLAIM = DEFAULT_TENANT_CLAIM;

export interface DevIssuer {
  privateKey: KeyObject;
  kid: string;
  jwksUri: string;
}

/** Where a data folder's dev issuer keeps its private key. */
export const devIssuerKeyFile = (dataDir: string) => join(resolve(dataDir), 'dev-issuer', 'private-key.pem');

export function ensureDevIssuer(dataDir: string): DevIssuer {
  const dir = join(resolve(dataDir), 'dev-issuer');
  const keyFile = devIssuerKeyFile(dataDir);
  const jwksFile = join(dir, 'jwks.json');
  ownerOnlyDirectory(dir);
  try {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // 'wx': whoever comes second (start and token at once) keeps the first key pair.
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      flag: 'wx',
      mode: OWNER_ONLY_FILE_MODE,
    });
    const kid = randomUUID();
    const jwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }, null, 2), { mode: OWNER_ONLY_FILE_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  ownerOnlyFilesIn(dir); // files of an older run (the public keys too: the folder is the owner's)
  const jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: Array<{ kid: string }> };
  return {
    privateKey: createPrivateKey(readFileSync(keyFile)),
    kid: jwks.keys[0]!.kid,
    jwksUri: pathToFileURL(jwksFile).href,
  };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A compact JWS; RS256 unless the header says otherwise (tests forge other algorithms on purpose). */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const signingInput = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', ...header }))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

export interface DevTokenOptions {
  tenant?: string;
  /** The `sub` claim; default `dev-client-<tenant>`. */
  subject?: string;
  /** Sets the `client_id` claim (none by default). */
  clientId?: string;
  /** Adds the privacy scope (a data subject's rights), which default tokens do not have. */
  privacy?: boolean;
  readOnly?: boolean;
  expiresInSeconds?: number;
  now?: Date;
}

export function signDevToken(issuer: DevIssuer, options: DevTokenOptions = {}): string {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const scopes = [
    DEV_SCOPES.read,
    ...(options.readOnly ? [] : [DEV_SCOPES.write]),
    ...(options.privacy ? [DEV_SCOPES.privacy] : []),
  ];
  return signJwt(
    { kid: issuer.kid },
    {
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      sub: options.subject ?? `dev-client-${options.tenant ?? 'demo'}`,
      ...(options.clientId !== undefined ? { client_id: options.clientId } : {}),
      [DEV_TENANT_CLAIM]: options.tenant ?? 'demo',
      scope: scopes.join(' '),
      iat,
      exp: iat + (options.expiresInSeconds ?? 3600),
      jti: randomUUID(),
    },
    issuer.privateKey,
  );
}

/** Authorizer settings that accept the dev issuer's tokens, unless the environment names another issuer. */
export function devAuthEnvironment(issuer: DevIssuer): Record<string, string> {
  return {
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
    JWT_JWKS_URI: issuer.jwksUri,
    JWT_TENANT_CLAIM: DEV_TENANT_CLAIM,
    JWT_READ_SCOPE: DEV_SCOPES.read,
    JWT_WRITE_SCOPE: DEV_SCOPES.write,
    JWT_PRIVACY_SCOPE: DEV_SCOPES.privacy,
  };
}
