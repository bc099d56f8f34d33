/**
 * Stands in for @aws-sdk/credential-provider-node in Lambda bundles. The functions pass the
 * environment provider to their client explicitly, so the SDK's default chain (SSO, INI, process,
 * web identity and STS clients: about 100 KB of code to compile at every cold start) is never
 * called; this keeps it out of the bundle. Should anything still ask for the default chain, in
 * Lambda it resolves to the same environment credentials.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
