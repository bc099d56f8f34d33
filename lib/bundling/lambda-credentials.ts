/**
 * Replaces @aws-sdk/credential-provider-node in Lambda bundles. In Lambda the role's credentials
 * always arrive as environment variables, so the default chain's SSO, INI, process and STS
 * clients (about 100 KB of code to compile at every cold start) are never used.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
