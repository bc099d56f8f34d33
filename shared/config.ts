/**
 * Configuration, read once at cold start. A missing or malformed setting stops the function at
 * start with a message that says which variable and what it should hold.
 */
import { DEFAULT_SCOPES, DEFAULT_TENANT_CLAIM } from './auth/auth-defaults.js';
import { DEFAULT_EVENT_MINUTES } from './domain/calendar-feed.js';
import { DEFAULT_SETTLE_DELAY_MS, writeDeadlineOf } from './domain/changes-feed.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(`Configuration error: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function required(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set (${what})`);
  return value;
}

export interface StorageConfig {
  tableName: string;
  region: string;
  /** DynamoDB Local or another endpoint; unset on AWS. */
  endpoint?: string;
  /**
   * Fixed credentials for DynamoDB Local (it accepts any). Unset on AWS, where the SDK's
   * environment provider reads the role's credentials that the Lambda runtime sets.
   */
  localCredentials?: { accessKeyId: string; secretAccessKey: string };
}

export function readStorageConfig(env: Env = process.env): StorageConfig {
  const tableName = required(env, 'TABLE_NAME', 'the name of the meetings table');
  return { tableName, ...readStoreConnection(env) };
}

/** How a function reaches DynamoDB, whichever of the stack's tables it uses. */
export function readStoreConnection(env: Env = process.env): Omit<StorageConfig, 'tableName'> {
  const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new ConfigError(`DYNAMODB_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  }
  const region =
    env.AWS_REGION?.trim() || (endpoint ? 'local' : required(env, 'AWS_REGION', 'the AWS region of the table'));
  if (endpoint) {
    // DynamoDB Local accepts any credentials: developers need not configure AWS ones.
    const localCredentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID?.trim() || 'local',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY?.trim() || 'local',
    };
    return { region, endpoint, localCredentials };
  }
  // Checked here so that a function without them stops at cold start, not at its first call.
  required(env, 'AWS_ACCESS_KEY_ID', 'set by the Lambda runtime from the function role');
  required(env, 'AWS_SECRET_ACCESS_KEY', 'set by the Lambda runtime from the function role');
  return { region };
}

/** ERASURE_LEDGER_TABLE_NAME: the table of recorded erasures (a table apart from the meetings'). */
export const readErasureLedgerTableName = (env: Env = process.env): string =>
  required(env, 'ERASURE_LEDGER_TABLE_NAME', 'the name of the erasure ledger table');

export interface FeedConfig {
  /**
   * How long the changes feed holds a change back (its settled horizon); writes get half of it
   * to commit (shared/domain/changes-feed.ts). Every function of a deployment must read the same value.
   */
  settleDelayMs: number;
  /** How long after its modificationTime a write may still commit: half the settle delay. */
  writeDeadlineMs: number;
}

/** CHANGES_SETTLE_SECONDS: whole seconds 1-60, default 30. Shorter only where the index cannot lag (DynamoDB Local). */
export function readFeedConfig(env: Env = process.env): FeedConfig {
  const value = env.CHANGES_SETTLE_SECONDS?.trim();
  const feed = (settleDelayMs: number) => ({ settleDelayMs, writeDeadlineMs: writeDeadlineOf(settleDelayMs) });
  if (value === undefined || value === '') return feed(DEFAULT_SETTLE_DELAY_MS);
  if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 60)
    throw new ConfigError(`CHANGES_SETTLE_SECONDS must be a whole number of seconds from 1 to 60, got "${value}"`);
  return feed(Number(value) * 1000);
}

/** WEBHOOK_ALLOW_LOOPBACK=true lets webhooks reach loopback hosts (plain http too): the local runner only. */
export function readWebhookConfig(env: Env = process.env): { allowLoopback: boolean } {
  const value = env.WEBHOOK_ALLOW_LOOPBACK?.trim();
  if (value !== undefined && value !== '' && value !== 'true' && value !== 'false')
    throw new ConfigError(`WEBHOOK_ALLOW_LOOPBACK must be true or false, got "${value}"`);
  return { allowLoopback: value === 'true' };
}

export interface AuthConfig {
  issuer: string;
  /** Accepted audiences; null only when JWT_AUDIENCE is explicitly "*" (no audience check). */
  audience: string[] | null;
  jwksUri: string;
  tenantClaim: string;
  scopes: { read: string; write: string; privacy: string };
  clockLeewaySeconds: number;
}

export function readAuthConfig(env: Env = process.env): AuthConfig {
  const audience = required(env, 'JWT_AUDIENCE', 'accepted token audiences, comma-separated, or * for none');
  const leeway = env.JWT_CLOCK_LEEWAY_SECONDS?.trim() || '0';
  if (!/^\d{1,4}$/.test(leeway))
    throw new ConfigError(`JWT_CLOCK_LEEWAY_SECONDS must be a whole number of seconds, got "${leeway}"`);
  const jwksUri = required(env, 'JWT_JWKS_URI', 'where the issuer publishes its signing keys (https:// or file://)');
  if (!/^(https|file):\/\//.test(jwksUri))
    throw new ConfigError(`JWT_JWKS_URI must be an https:// or file:// URL, got "${jwksUri}"`);
  return {
    issuer: required(env, 'JWT_ISSUER', 'the expected iss claim of tokens'),
    audience:
      audience === '*'
        ? null
        : audience
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
    jwksUri,
    tenantClaim: env.JWT_TENANT_CLAIM?.trim() || DEFAULT_TENANT_CLAIM,
    scopes: {
      read: env.JWT_READ_SCOPE?.trim() || DEFAULT_SCOPES.read,
      write: env.JWT_WRITE_SCOPE?.trim() || DEFAULT_SCOPES.write,
      privacy: env.JWT_PRIVACY_SCOPE?.trim() || DEFAULT_SCOPES.privacy,
    },
    clockLeewaySeconds: Number(leeway),
  };
}

/**
 * REQUIRE_API_KEY=true: every API call needs a partner key (x-api-key) of the token's tenant. Read
 * by the authorizer and the local gateway; on AWS the stack sets it with -c requireApiKey=true.
 */
export function readApiKeyConfig(env: Env = process.env): { required: boolean } {
  const value = env.REQUIRE_API_KEY?.trim();
  if (value !== undefined && value !== '' && value !== 'true' && value !== 'false')
    throw new ConfigError(`REQUIRE_API_KEY must be true or false, got "${value}"`);
  return { required: value === 'true' };
}

/** DELIVERY_QUEUE_URL: the webhook delivery queue the fan-out fills and the delivery function backs off on. */
export const readDeliveryQueueUrl = (env: Env = process.env): string =>
  required(env, 'DELIVERY_QUEUE_URL', 'the webhook delivery queue');

/** CALENDAR_EVENT_MINUTES: the length of a calendar feed's events, whole minutes 1-1440 (default 60). */
export function readCalendarConfig(env: Env = process.env): { eventMinutes: number } {
  const value = env.CALENDAR_EVENT_MINUTES?.trim();
  if (value === undefined || value === '') return { eventMinutes: DEFAULT_EVENT_MINUTES };
  const minutes = Number(value);
  if (!/^\d+$/.test(value) || minutes < 1 || minutes > 1440)
    throw new ConfigError(`CALENDAR_EVENT_MINUTES must be a whole number of minutes from 1 to 1440, got "${value}"`);
  return { eventMinutes: minutes };
}
