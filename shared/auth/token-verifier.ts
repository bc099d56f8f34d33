import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JwtVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwksValidationError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { AuthConfig } from '../config.js';

/**
 * HTTPS for real issuers; file:// for the local dev issuer, whose keys live in the data folder: a
 * small local file, read synchronously (no thread-pool round, and not node:fs/promises, whose
 * loading brings Node's readline and REPL history modules into every cold authorizer).
 */
class JwksFetcher implements Fetcher {
  private readonly https = new SimpleFetcher();

  async fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
    if (!uri.startsWith('file://')) return this.https.fetch(uri, requestOptions, data);
    const bytes = readFileSync(fileURLToPath(uri));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
}

export interface VerifiedClaims {
  tenantId: string;
  /** The token's `sub`: who is calling, as a meeting's history records it. */
  subject: string;
  /** The token's `client_id` (Cognito) or else its `azp`, when it has one. */
  clientId?: string;
  scopes: string[];
  /** When the token stops being valid (its exp plus the configured leeway), in epoch seconds. */
  validUntil: number;
}

/** Tenants become key prefixes: keep them to characters that cannot forge another key. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Why a token was refused: a bounded set, fit to be a metric dimension (the message may hold claim values). */
export type TokenRejectionReason =
  | 'missing'
  | 'malformed'
  | 'signature'
  | 'algorithm'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'no-expiry'
  | 'tenant-claim'
  | 'no-subject'
  | 'keys-unavailable'
  | 'other';

const reasonOf = (error: unknown): TokenRejectionReason => {
  if (error instanceof JwtParseError || error instanceof JwtWithoutValidKidError) return 'malformed';
  if (error instanceof JwtInvalidSignatureAlgorithmError) return 'algorithm';
  if (error instanceof JwtInvalidSignatureError) return 'signature';
  // A kid the issuer does not publish (also while the verifier waits before fetching the keys again).
  if (error instanceof KidNotFoundInJwksError || error instanceof WaitPeriodNotYetEndedJwkError) return 'unknown-key';
  if (error instanceof JwtExpiredError) return 'expired';
  if (error instanceof JwtNotBeforeError) return 'not-yet-valid';
  if (error instanceof JwtInvalidIssuerError) return 'issuer';
  if (error instanceof JwtInvalidAudienceError) return 'audience';
  // The issuer's key set cannot be had, or what it serves is no key set.
  if (
    error instanceof FetchError ||
    error instanceof JwksNotAvailableInCacheError ||
    error instanceof JwksValidationError
  )
    return 'keys-unavailable';
  return 'other';
};

export class InvalidTokenError extends Error {
  constructor(
    message: string,
    readonly reason: TokenRejectionReason,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export function createTokenVerifier(config: AuthConfig) {
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: config.jwksUri,
      graceSeconds: config.clockLeewaySeconds,
    },
    { jwksCache: new SimpleJwksCache({ fetcher: new JwksFetcher() }) },
  );

  /** Verifies signature (RS/ES/EdDSA only; alg none and HS* are refused), iss, aud, exp (required), nbf, the tenant claim and sub. */
  return async function verify(token: string): Promise<VerifiedClaims> {
    let payload: Record<string, unknown>;
    try {
      payload = await verifier.verify(token);
    } catch (error) {
      throw new InvalidTokenError((error as Error).message, reasonOf(error));
    }
    // aws-jwt-verify checks exp only when present; a token without one would be valid for ever.
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp))
      throw new InvalidTokenError('missing exp claim', 'no-expiry');
    const tenantId = payload[config.tenantClaim];
    if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId))
      throw new InvalidTokenError(`missing or malformed ${config.tenantClaim} claim`, 'tenant-claim');
    // Every write records who made it: a token that names no one is refused.
    const subject = payload.sub;
    if (typeof subject !== 'string' || subject.trim() === '')
      throw new InvalidTokenError('missing sub claim', 'no-subject');
    const client = [payload.client_id, payload.azp].find((claim) => typeof claim === 'string' && claim !== '');
    const scope = payload.scope ?? payload.scp;
    const scopes =
      typeof scope === 'string' ? scope.split(' ').filter(Boolean) : Array.isArray(scope) ? scope.map(String) : [];
    return {
      tenantId,
      subject,
      ...(client ? { clientId: client as string } : {}),
      scopes,
      validUntil: payload.exp + config.clockLeewaySeconds,
    };
  };
}
