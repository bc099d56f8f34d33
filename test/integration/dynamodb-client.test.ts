/**
 * The service's DynamoDB client against DynamoDB Local: the four calls round-trip plain values,
 * errors arrive as their classes with DynamoDB's details, and retries and timeouts are bounded.
 * Storage is read back through the AWS SDK, an independent reader.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import {
  DynamoDbClient,
  DynamoDbConnectionError,
  DynamoDbServiceError,
  DynamoDbTimeoutError,
  TransactionCanceledError,
  type WireRequest,
} from '../../shared/dynamodb/dynamodb-client.js';
import { dynamoDbErrorAnswer } from '../support/dynamodb-answers.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const config = readStorageConfig();
const sdk = sdkDocumentClient(config);
const table = config.tableName;
const key = () => ({ pk: `CLIENT-TEST#${randomUUID()}`, sk: 'MEETING' });

/** A client whose attempts are recorded; `answer` may replace DynamoDB's answer to an attempt. */
function recordingClient(answer?: (request: WireRequest) => { statusCode: number; body: string } | undefined, settings = {}) {
  const client = new DynamoDbClient({ ...config, ...settings });
  const attempts: WireRequest[] = [];
  client.wrapTransport((next) => async (request) => {
    attempts.push(request);
    return answer?.(request) ?? next(request);
  });
  return { client, attempts };
}


describe('DynamoDB client (DynamoDB Local)', () => {
  const client = new DynamoDbClient(config);

  it('writes and reads plain values: strings, numbers, booleans, nulls, lists and maps', async () => {
    const item = { ...key(), text: 'Kävijä ✓', count: 42, ratio: 0.5, flag: true, nothing: null, list: ['a', 1, { deep: ['b'] }], map: { nested: { n: -1 } }, empty: '' };
    await client.transactWriteItems({ TransactItems: [{ Put: { TableName: table, Item: { ...item, dropped: undefined } } }] });
    expect((await client.getItem({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true })).Item).toEqual(item);
    expect((await sdk.send(new GetCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }))).Item).toEqual(item);
    expect((await client.getItem({ TableName: table, Key: key(), ConsistentRead: true })).Item).toBeUndefined();
  });

  it('queries page by page and batch-gets by key', async () => {
    const pk = `CLIENT-TEST#${randomUUID()}`;
    const items = ['a', 'b', 'c'].map((sk) => ({ pk, sk, value: sk.toUpperCase() }));
    await client.transactWriteItems({ TransactItems: items.map((Item) => ({ Put: { TableName: table, Item } })) });
    const seen: unknown[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await client.query({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 2, ExclusiveStartKey, ConsistentRead: true });
      seen.push(...page.Items);
      ExclusiveStartKey = page.LastEvaluatedKey;
      pages++;
    } while (ExclusiveStartKey);
    expect(seen).toEqual(items);
    expect(pages).toBe(2);
    const batch = await client.batchGetItem({ RequestItems: { [table]: { Keys: [...items.map(({ pk, sk }) => ({ pk, sk })), key()], ConsistentRead: true } } });
    expect(batch.Responses[table]).toHaveLength(3);
    expect(batch.Responses[table]).toEqual(expect.arrayContaining(items));
    expect(batch.UnprocessedKeys).toEqual({});
  });

  it('a failed condition cancels the whole transaction and hands back the item as it was (ALL_OLD)', async () => {
    const first = { ...key(), version: 1 };
    const second = key();
    await client.transactWriteItems({ TransactItems: [{ Put: { TableName: table, Item: first } }] });
    const failure = await client
      .transactWriteItems({
        TransactItems: [
          { Put: { TableName: table, Item: { ...first, version: 3 }, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': 2 }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          { Put: { TableName: table, Item: second } },
        ],
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransactionCanceledError);
    expect((failure as TransactionCanceledError).reasons.map((r) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect((failure as TransactionCanceledError).reasons[0]!.Item).toEqual(first);
    expect((failure as TransactionCanceledError).retryable).toBe(false);
    expect((await client.getItem({ TableName: table, Key: second, ConsistentRead: true })).Item).toBeUndefined();
  });

  it('a request DynamoDB rejects is an error with its type, tried once', async () => {
    const { client: recording, attempts } = recordingClient();
    const failure = await recording.query({ TableName: table, KeyConditionExpression: 'pk = :missing' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DynamoDbServiceError);
    expect(failure).toMatchObject({ code: 'ValidationException', statusCode: 400, retryable: false });
    // DynamoDB's request id travels with the error, for a support case
    expect((failure as DynamoDbServiceError).requestId).toMatch(/\S/);
    expect((failure as Error).message).toContain((failure as DynamoDbServiceError).requestId);
    expect(attempts).toHaveLength(1);
  });

  it('retries throttling and server faults, and succeeds when DynamoDB recovers', async () => {
    const item = key();
    const { client: recording, attempts } = recordingClient((request) =>
      request.attempt === 1
        ? dynamoDbErrorAnswer(400, 'ProvisionedThroughputExceededException')
        : request.attempt === 2
          ? dynamoDbErrorAnswer(500, 'InternalServerError')
          : undefined,
    );
    await recording.transactWriteItems({ TransactItems: [{ Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }] });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // the same call each time, with one idempotency token
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(JSON.parse(attempts[0]!.body).ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.getItem({ TableName: table, Key: item, ConsistentRead: true })).Item).toEqual(item);
  });

  it('gives up after 3 attempts and reports the last failure', async () => {
    const { client: recording, attempts } = recordingClient(() => ({ statusCode: 502, body: '<html>Bad gateway</html>' }));
    const failure = await recording.getItem({ TableName: table, Key: key() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DynamoDbServiceError);
    expect(failure).toMatchObject({ code: 'HTTP502', statusCode: 502, retryable: true });
    expect(attempts).toHaveLength(3);
  });

  it('a garbled success is a server fault, retried like one', async () => {
    const { client: recording, attempts } = recordingClient(() => ({ statusCode: 200, body: '{"Item": {"pk"' }));
    const failure = await recording.getItem({ TableName: table, Key: key() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DynamoDbServiceError);
    expect(failure).toMatchObject({ statusCode: 500, retryable: true });
    expect(attempts).toHaveLength(3);
  });

  it('a retry after a lost answer does not apply a transaction twice (ClientRequestToken)', async () => {
    const item = key();
    const client = new DynamoDbClient(config);
    let lost = false;
    client.wrapTransport((next) => async (request) => {
      const response = await next(request);
      if (lost) return response;
      lost = true;
      throw new DynamoDbTimeoutError('injected: answer lost');
    });
    // Without the token the retry would fail its own condition: the first attempt created the item.
    await client.transactWriteItems({ TransactItems: [{ Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }] });
    expect(lost).toBe(true);
    expect((await client.getItem({ TableName: table, Key: item, ConsistentRead: true })).Item).toEqual(item);
  });

  describe('an endpoint that does not answer', () => {
    const sockets = new Set<Socket>();
    let silent: Server;
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      silent?.close();
    });

    it('times out each attempt and stops after 3', async () => {
      silent = createServer((socket) => sockets.add(socket)); // accepts, never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const slow = new DynamoDbClient({ ...config, endpoint, requestTimeoutMs: 150 });
      const started = Date.now();
      const failure = await slow.getItem({ TableName: table, Key: key() }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DynamoDbTimeoutError);
      expect(sockets.size).toBeGreaterThanOrEqual(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 150);
      expect(Date.now() - started).toBeLessThan(3 * 150 + 1_000);
    });

    it('reports a refused connection as a connection error', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const failure = await new DynamoDbClient({ ...config, endpoint: `http://127.0.0.1:${port}` }).getItem({ TableName: table, Key: key() }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DynamoDbConnectionError);
      expect(failure).not.toBeInstanceOf(DynamoDbTimeoutError);
      expect((failure as Error).message).toMatch(/ECONNREFUSED/);
    });
  });
});
