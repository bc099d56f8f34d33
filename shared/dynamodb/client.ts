import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoDbSettings {
  /** Set for DynamoDB Local or another non-AWS endpoint. */
  endpoint?: string;
  region: string;
  /** Per attempt; default 2 s. */
  requestTimeoutMs?: number;
}

/**
 * Bounded retries and timeouts, so that an unavailable store answers 503 inside the Lambda timeout
 * (20 s) instead of hanging: 3 attempts of at most 0.5 s connect + 2 s response, so a call that
 * keeps failing ends its request after at most 7.5 s plus backoff.
 */
export function createDocumentClient(settings: DynamoDbSettings): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: settings.region,
    maxAttempts: 3,
    // throwOnRequestTimeout: without it the SDK only logs a warning and keeps waiting.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 500, requestTimeout: settings.requestTimeoutMs ?? 2_000, throwOnRequestTimeout: true }),
    ...(settings.endpoint
      ? {
          endpoint: settings.endpoint,
          // DynamoDB Local accepts any credentials; do not make developers configure AWS ones.
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
          },
        }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
