/**
 * Events of the shapes Lambda hands the functions, for invoking bundled functions directly: API
 * Gateway's (the authorizer's REQUEST event and the operations' proxy events, as local/gateway.ts
 * builds them), SQS's and DynamoDB Streams'.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { REGION } from './coldstart-bundles.js';

const ACCOUNT = '111111111111';

const requestContext = (method: string, resourcePath: string, path: string) => ({
  accountId: ACCOUNT,
  apiId: 'bench-api',
  stage: 'v1',
  requestId: randomUUID(),
  resourcePath,
  httpMethod: method,
  path: `/v1${path}`,
  protocol: 'HTTP/1.1',
  requestTimeEpoch: Date.now(),
  resourceId: 'bench',
  identity: { sourceIp: '127.0.0.1', userAgent: 'bench' },
});

/** One API request: the resource as API Gateway names it, e.g. /meetings/{meetingId}. */
export interface ApiRequest {
  method: string;
  resource: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The operation scopes the authorizer granted; default read and write. */
  scopes?: string;
}

export interface LambdaEvents {
  /** A request the authorizer has allowed for `tenantId` (no authorizer context with tenantId null: a public route). */
  apiEvent: (tenantId: string | null, request: ApiRequest) => unknown;
  /** The authorizer's event for a GET /meetings. */
  authorizerEvent: () => unknown;
}

const multiValue = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));

export function lambdaEvents(token: string): LambdaEvents {
  const headersOf = (body: boolean) => ({
    Authorization: `Bearer ${token}`,
    'Request-ID': randomUUID(),
    Accept: 'application/json',
    ...(body ? { 'Content-Type': 'application/json' } : {}),
  });
  return {
    apiEvent(tenantId, { method, resource, pathParameters, query, body, scopes = 'read write' }) {
      const path = resource.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters?.[name] ?? '');
      const headers = headersOf(body !== undefined);
      const authorizer = tenantId && {
        principalId: tenantId,
        tenantId,
        subject: `bench-client-${tenantId}`,
        scopes,
        tokenValidUntil: String(Math.floor(Date.now() / 1000) + 3 * 3600),
      };
      return {
        resource,
        path,
        httpMethod: method,
        headers,
        multiValueHeaders: multiValue(headers),
        queryStringParameters: query ?? null,
        multiValueQueryStringParameters: query ? multiValue(query) : null,
        pathParameters: pathParameters ?? null,
        stageVariables: null,
        requestContext: { ...requestContext(method, resource, path), ...(authorizer ? { authorizer } : {}) },
        body: body === undefined ? null : JSON.stringify(body),
        isBase64Encoded: false,
      };
    },
    authorizerEvent() {
      const headers = headersOf(false);
      return {
        type: 'REQUEST',
        methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:bench-api/v1/GET/meetings`,
        resource: '/meetings',
        path: '/meetings',
        httpMethod: 'GET',
        headers,
        multiValueHeaders: multiValue(headers),
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        requestContext: requestContext('GET', '/meetings', '/meetings'),
      };
    },
  };
}

let sequence = 1_000_000;

/** A DynamoDB stream record of an item written (INSERT), as Lambda and Pipes pass it on. */
export function streamRecord(
  table: string,
  keys: Record<string, AttributeValue>,
  newImage: Record<string, AttributeValue>,
  viewType: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES',
) {
  const sequenceNumber = String(sequence++).padStart(21, '0');
  return {
    eventID: randomUUID().replace(/-/g, ''),
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: keys,
      NewImage: newImage,
      SequenceNumber: sequenceNumber,
      SizeBytes: JSON.stringify(newImage).length,
      StreamViewType: viewType,
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/stream/2026-01-01T00:00:00.000`,
  };
}

/** Lambda's event of an SQS event source: one FIFO message a body, in the message group given. */
export function sqsEvent(queueName: string, messages: Array<{ body: string; groupId: string }>) {
  return {
    Records: messages.map(({ body, groupId }) => ({
      messageId: randomUUID(),
      receiptHandle: `bench-${randomUUID()}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDABENCH',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        SequenceNumber: String(sequence++).padStart(20, '0'),
        MessageGroupId: groupId,
        MessageDeduplicationId: randomUUID(),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`,
      awsRegion: REGION,
    })),
  };
}
