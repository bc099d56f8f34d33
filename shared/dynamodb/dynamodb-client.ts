/**
 * A small DynamoDB client: the four calls the adapter makes, over DynamoDB's JSON protocol, signed
 * with SigV4, with bounded retries and timeouts. It replaces AWS SDK v3 in the functions because
 * the SDK's evaluation alone cost about 30 ms of every cold start (docs/performance.md); the
 * protocol these four calls need is a JSON POST. Local tooling and tests still use the SDK, which
 * also makes it an independent check of what this client writes.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { signRequest, type AwsCredentials } from './aws-signature-v4.js';

type Item = Record<string, unknown>;
type WireItem = Record<string, unknown>;

export interface DynamoDbSettings {
  region: string;
  credentials: AwsCredentials;
  /** Set for DynamoDB Local or another non-AWS endpoint. */
  endpoint?: string;
  /** Per attempt, from connected socket to the whole answer; default 2 s. */
  requestTimeoutMs?: number;
  /** Per attempt, to open a new connection; default 0.5 s. */
  connectTimeoutMs?: number;
  /** Default 3. */
  maxAttempts?: number;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** DynamoDB answered with an error. */
export class DynamoDbServiceError extends Error {
  constructor(
    /** The error type, e.g. ValidationException, ProvisionedThroughputExceededException. */
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** DynamoDB's id of the request (x-amzn-RequestId), for AWS support. */
    readonly requestId?: string,
  ) {
    super(`${code}: ${message}${requestId ? ` (DynamoDB request ${requestId})` : ''}`);
    this.name = 'DynamoDbServiceError';
  }

  /** Throttling and server faults: the same call may succeed a moment later. */
  get retryable(): boolean {
    return this.statusCode >= 500 || RETRYABLE_CODES.has(this.code);
  }
}

export interface CancellationReason {
  Code?: string;
  Message?: string;
  /** The item as it was, when the failed condition asked for ALL_OLD. */
  Item?: Item;
}

/** A transaction was cancelled; `reasons` has one entry per transaction item, in order. */
export class TransactionCanceledError extends DynamoDbServiceError {
  constructor(
    statusCode: number,
    message: string,
    readonly reasons: CancellationReason[],
    requestId?: string,
  ) {
    super('TransactionCanceledException', statusCode, message, requestId);
    this.name = 'TransactionCanceledError';
  }
}

/** No answer: the connection failed or was reset. */
export class DynamoDbConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbConnectionError';
  }
}

/** No answer in time. Whether the call took effect is unknown. */
export class DynamoDbTimeoutError extends DynamoDbConnectionError {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbTimeoutError';
  }
}

const THROTTLING_CODES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
const RETRYABLE_CODES = new Set([
  ...THROTTLING_CODES,
  // A retried transaction whose first attempt (same ClientRequestToken) is still running.
  'TransactionInProgressException',
]);

/** No answer, throttling or a server fault: the same call may succeed a moment later. */
export function isRetryable(error: unknown): boolean {
  return error instanceof DynamoDbConnectionError || (error instanceof DynamoDbServiceError && error.retryable);
}

// ---------------------------------------------------------------------------------------------
// Transport: one attempt of one call, signed and sent. Replaceable (wrapTransport) so that tests
// can inject faults below the retry loop and benchmarks can meter capacity.

export interface WireRequest {
  /** e.g. GetItem */
  operation: string;
  /** 1 for the first try of a call, then 2, 3 for its retries. */
  attempt: number;
  /** The call's input in DynamoDB's JSON form. */
  body: string;
}

export interface WireResponse {
  statusCode: number;
  body: string;
  /** x-amzn-RequestId, when DynamoDB sent one. */
  requestId?: string;
}

export type Transport = (request: WireRequest) => Promise<WireResponse>;

function signedHttpTransport(url: URL, settings: DynamoDbSettings): Transport {
  const protocol = url.protocol === 'https:' ? https : http;
  const agent = new protocol.Agent({ keepAlive: true, maxSockets: 64 });
  const connectTimeoutMs = settings.connectTimeoutMs ?? 500;
  const requestTimeoutMs = settings.requestTimeoutMs ?? 2_000;
  return ({ operation, body }) =>
    new Promise<WireResponse>((resolve, reject) => {
      // Signed at each attempt: the signature carries the time.
      const headers = signRequest({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
        body,
        region: settings.region,
        service: 'dynamodb',
        credentials: settings.credentials,
        now: new Date(),
      });
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (error: Error | undefined, response?: WireResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(response!);
      };
      const req = protocol.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent });
      const abort = (error: Error) => {
        settle(error);
        req.destroy();
      };
      const startResponseTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => abort(new DynamoDbTimeoutError(`${operation}: no answer within ${requestTimeoutMs} ms`)), requestTimeoutMs);
      };
      req.once('socket', (socket) => {
        if (!socket.connecting) return startResponseTimer(); // a kept-alive connection
        timer = setTimeout(() => abort(new DynamoDbTimeoutError(`${operation}: no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
        socket.once('connect', startResponseTimer);
      });
      req.on('error', (error) => settle(new DynamoDbConnectionError(`${operation}: ${error.message}`, { cause: error })));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => settle(new DynamoDbConnectionError(`${operation}: ${error.message}`, { cause: error })));
        res.on('end', () => {
          const requestId = res.headers['x-amzn-requestid'];
          settle(undefined, { statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), requestId: typeof requestId === 'string' ? requestId : undefined });
        });
      });
      req.end(body);
    });
}

// ---------------------------------------------------------------------------------------------
// Calls, in the document form the adapter uses (plain values; marshalled here)

export interface GetItemInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
}

export interface QueryInput {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression: string;
  ExpressionAttributeValues?: Item;
  ProjectionExpression?: string;
  ExclusiveStartKey?: Item;
  ConsistentRead?: boolean;
  Limit?: number;
}

export interface BatchGetItemInput {
  RequestItems: Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
}

interface ConditionedWrite {
  TableName: string;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Item;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}

export type TransactWriteItem = { Put: ConditionedWrite & { Item: Item } } | { Delete: ConditionedWrite & { Key: Item } };

const MARSHALL_OPTIONS = { removeUndefinedValues: true };
const toWire = (item: Item) => marshall(item, MARSHALL_OPTIONS) as WireItem;
const fromWire = (item: WireItem) => unmarshall(item as Parameters<typeof unmarshall>[0]);

function defaultEndpoint(region: string): string {
  return `https://dynamodb.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

export class DynamoDbClient {
  private readonly maxAttempts: number;
  private transport: Transport;

  constructor(settings: DynamoDbSettings) {
    this.maxAttempts = settings.maxAttempts ?? 3;
    this.transport = signedHttpTransport(new URL(settings.endpoint ?? defaultEndpoint(settings.region)), settings);
  }

  /** Wraps the transport (below the retry loop). Tests use it to inject faults. */
  wrapTransport(wrap: (next: Transport) => Transport): void {
    this.transport = wrap(this.transport);
  }

  async getItem(input: GetItemInput): Promise<{ Item?: Item }> {
    const output = await this.call('GetItem', { ...input, Key: toWire(input.Key) });
    return { Item: output.Item ? fromWire(output.Item as WireItem) : undefined };
  }

  async query(input: QueryInput): Promise<{ Items: Item[]; LastEvaluatedKey?: Item }> {
    const output = await this.call('Query', {
      ...input,
      ExpressionAttributeValues: input.ExpressionAttributeValues && toWire(input.ExpressionAttributeValues),
      ExclusiveStartKey: input.ExclusiveStartKey && toWire(input.ExclusiveStartKey),
    });
    return {
      Items: ((output.Items ?? []) as WireItem[]).map(fromWire),
      LastEvaluatedKey: output.LastEvaluatedKey ? fromWire(output.LastEvaluatedKey as WireItem) : undefined,
    };
  }

  async batchGetItem(input: BatchGetItemInput): Promise<{ Responses: Record<string, Item[]>; UnprocessedKeys: BatchGetItemInput['RequestItems'] }> {
    const requestItems = Object.fromEntries(Object.entries(input.RequestItems).map(([table, request]) => [table, { ...request, Keys: request.Keys.map(toWire) }]));
    const output = await this.call('BatchGetItem', { RequestItems: requestItems });
    const responses = (output.Responses ?? {}) as Record<string, WireItem[]>;
    const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys: WireItem[]; ConsistentRead?: boolean }>;
    return {
      Responses: Object.fromEntries(Object.entries(responses).map(([table, items]) => [table, items.map(fromWire)])),
      UnprocessedKeys: Object.fromEntries(Object.entries(unprocessed).map(([table, request]) => [table, { ...request, Keys: request.Keys.map(fromWire) }])),
    };
  }

  /**
   * All or nothing. One ClientRequestToken for all attempts makes a retry after a lost answer
   * idempotent: DynamoDB reports the first attempt's success instead of applying it twice.
   */
  async transactWriteItems(input: { TransactItems: TransactWriteItem[] }): Promise<void> {
    const wireWrite = <W extends ConditionedWrite>(write: W) => ({
      ...write,
      ExpressionAttributeValues: write.ExpressionAttributeValues && toWire(write.ExpressionAttributeValues),
    });
    const items = input.TransactItems.map((item) =>
      'Put' in item ? { Put: { ...wireWrite(item.Put), Item: toWire(item.Put.Item) } } : { Delete: { ...wireWrite(item.Delete), Key: toWire(item.Delete.Key) } },
    );
    await this.call('TransactWriteItems', { TransactItems: items, ClientRequestToken: randomUUID() });
  }

  /** One call, retried with jittered backoff while the failure is retryable. */
  private async call(operation: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      try {
        return parseResponse(await this.transport({ operation, attempt, body }));
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.maxAttempts) throw error;
        // Full jitter; throttling backs off longer, as the AWS SDKs do.
        const base = error instanceof DynamoDbServiceError && THROTTLING_CODES.has(error.code) ? 500 : 100;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * base * 2 ** (attempt - 1)));
      }
    }
  }
}

function parseResponse(response: WireResponse): Record<string, unknown> {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
  } catch {
    parsed = undefined;
  }
  if (response.statusCode === 200 && parsed) return parsed;
  const { requestId } = response;
  // Anything but an error status here (a garbled success, no status) counts as a server fault.
  const status = response.statusCode >= 400 ? response.statusCode : 500;
  if (!parsed) throw new DynamoDbServiceError(`HTTP${response.statusCode}`, status, 'answer is not JSON', requestId);
  // "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" -> the part after '#'
  const code = String(parsed.__type ?? `HTTP${response.statusCode}`).split('#').pop()!;
  const message = String(parsed.message ?? parsed.Message ?? '');
  if (code === 'TransactionCanceledException') {
    const reasons = ((parsed.CancellationReasons ?? []) as Array<{ Code?: string; Message?: string; Item?: WireItem }>).map((reason) => ({
      Code: reason.Code,
      Message: reason.Message,
      Item: reason.Item ? fromWire(reason.Item) : undefined,
    }));
    throw new TransactionCanceledError(status, message, reasons, requestId);
  }
  throw new DynamoDbServiceError(code, status, message, requestId);
}
