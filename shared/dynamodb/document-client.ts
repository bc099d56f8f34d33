/**
 * The one way this service builds its DynamoDB client: AWS SDK v3's document client, tuned for
 * Lambda. Bounded work so that an unavailable store answers 503 inside the function timeout:
 * standard retry mode with 3 attempts, each given 0.5 s to connect, 2 s until the answer's
 * headers (throwOnRequestTimeout: without it the SDK only warns and keeps waiting) and at most
 * 2 s of silence while the body arrives (socketTimeout: the request timer stops at the headers).
 * Keep-alive connections. Transactions carry the SDK's ClientRequestToken, made once per call,
 * so a retry after a lost answer is not applied twice.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { StorageConfig } from '../config.js';

export interface DocumentClientSettings extends Omit<StorageConfig, 'tableName'> {
  /** Per attempt: until the answer's headers, and the longest silence while its body arrives; default 2 s. */
  requestTimeoutMs?: number;
  /** Per attempt, to open a new connection; default 0.5 s. */
  connectTimeoutMs?: number;
  /** Default 3. */
  maxAttempts?: number;
  /** An operator's command on AWS: the SDK's default credential chain (profiles, SSO) instead of the environment's. */
  operatorCredentials?: boolean;
}

export function createDocumentClient(settings: DocumentClientSettings): DynamoDBDocumentClient {
  const agent = { keepAlive: true, maxSockets: 64 };
  const client = new DynamoDBClient({
    region: settings.region,
    endpoint: settings.endpoint,
    // Explicit region and credentials: the SDK never probes its default chains. In Lambda the
    // runtime puts the role's credentials in the environment.
    credentials: settings.localCredentials ?? (settings.operatorCredentials ? undefined : fromEnv()),
    maxAttempts: settings.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.connectTimeoutMs ?? 500,
      requestTimeout: settings.requestTimeoutMs ?? 2_000,
      throwOnRequestTimeout: true,
      socketTimeout: settings.requestTimeoutMs ?? 2_000,
      httpAgent: agent,
      httpsAgent: agent,
    }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
