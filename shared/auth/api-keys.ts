import { createHash, randomBytes } from 'node:crypto';

/**
 * Partner keys (contract-integration.md, "Partner keys and quotas"): with keys required, every
 * call carries an `x-api-key` beside its bearer token; the key names the partner's usage plan and
 * must belong to the token's tenant.
 */
export const API_KEY_HEADER = 'x-api-key';

export interface UsagePlan {
  /** Steady requests per second, and the burst above it (API Gateway's token bucket). */
  rateLimit: number;
  burstLimit: number;
  /** Requests per UTC day. */
  dailyQuota: number;
}

/** The plans, in this one place: the stack creates them as API Gateway usage plans; the local gateway enforces them. */
export const USAGE_PLANS = {
  standard: { rateLimit: 10, burstLimit: 20, dailyQuota: 20_000 },
  premium: { rateLimit: 50, burstLimit: 100, dailyQuota: 200_000 },
} as const satisfies Record<string, UsagePlan>;

export type UsagePlanName = keyof typeof USAGE_PLANS;
/** The stack output holding the usage plan ids by plan name (JSON), read by npm run api-key -- --stack. */
export const USAGE_PLAN_IDS_OUTPUT = 'UsagePlanIds';
export const DEFAULT_USAGE_PLAN: UsagePlanName = 'standard';
export const isUsagePlanName = (name: string): name is UsagePlanName => Object.hasOwn(USAGE_PLANS, name);

const TAG_LENGTH = 16;
const KEY_PATTERN = /^[0-9a-f]{56}$/;

/**
 * A key starts with a tag of its tenant: the authorizer tells whose key it is without a lookup,
 * and API Gateway (or the local key store) tells whether it was issued and is still valid. The
 * tag can be computed by anyone; it proves nothing alone, only with a key the operator issued.
 */
const tenantTag = (tenantId: string) =>
  createHash('sha256').update(`meeting-api-key/${tenantId}`).digest('hex').slice(0, TAG_LENGTH);

/** A new key for the tenant: its tag and 160 random bits, 56 hex characters (API Gateway wants 20 or more). */
export const newApiKey = (tenantId: string): string => `${tenantTag(tenantId)}${randomBytes(20).toString('hex')}`;

/** Whether the key is one issued for this tenant (issued at all is for the key store to say). */
export const apiKeyBelongsTo = (key: string, tenantId: string): boolean =>
  KEY_PATTERN.test(key) && key.startsWith(tenantTag(tenantId));

/**
 * What the authorizer names as the usage key when the request has no key of the token's tenant:
 * never an issued key (not 56 hex characters), so the gateway answers INVALID_API_KEY.
 */
export const NO_VALID_API_KEY = 'no-valid-api-key-for-this-token';
