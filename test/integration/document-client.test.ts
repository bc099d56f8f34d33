/**
 * The runtime's DynamoDB client (AWS SDK v3, configured in shared/dynamodb/document-client.ts)
 * against DynamoDB Local: bounded attempts, timeouts that throw, keep-alive, idempotent
 * transaction retries, and the adapter's reading of what the SDK throws. Faults are answered by a
 * middleware on the client's own stack, below the retry layer, as DynamoDB would answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { StorageUnavailableError } from '../../shared/domain/meeting-repository.js';
import { createDocumentClient, type DocumentClientSettings } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { dynamoDbErrorAnswer, timeoutError } from '../support/dynamodb-answers.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const config = readStorageConfig();
const table = config.tableName;
const sdk = sdkDocumentClient(config);
const key = () => ({ pk: `CLIENT-TEST#${randomUUID()}`, sk: 'MEETING' });

type Fault = (
  attempt: number,
  send: () => Promise<unknown>,
) => Promise<ReturnType<typeof dynamoDbErrorAnswer> | undefined>;

/** A fresh runtime client whose attempts are counted; `fault` may answer an attempt for DynamoDB. */
function faultyClient(fault: Fault, settings: Partial<DocumentClientSettings> = {}) {
  const client = createDocumentClient({ ...config, ...settings });
  const counter = { attempts: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const attempt = ++counter.attempts;
      const response = await fault(attempt, () => next(args));
      return response ? { response, output: undefined as never } : next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'testFault' },
  );
  return { client, counter };
}

const getItem = (client: DynamoDBDocumentClient) =>
  client.send(new GetCommand({ TableName: table, Key: key(), ConsistentRead: true }));

const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
const closeServer = ({ server, sockets }: (typeof servers)[number]) =>
  new Promise((resolve) => {
    server.close(resolve);
    for (const socket of sockets) socket.destroy(); // kept-alive connections would hold close() open
  });
afterAll(async () => {
  for (const entry of servers) await closeServer(entry);
});
async function listen(
  onConnection: (socket: Socket) => void,
): Promise<{ endpoint: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

describe('runtime DynamoDB client (AWS SDK v3 on DynamoDB Local)', () => {
  it.each([
    ['throttling', async () => dynamoDbErrorAnswer(400, 'ProvisionedThroughputExceededException')],
    ['a server fault', async () => dynamoDbErrorAnswer(500, 'InternalServerError')],
    ['no answer', async () => Promise.reject(timeoutError('injected'))],
  ] as Array<[string, Fault]>)(
    'tries %s exactly 3 times, then the adapter calls storage unavailable',
    async (_name, fault) => {
      const { client, counter } = faultyClient(fault);
      const error = (await getItem(client).catch((e: unknown) => e)) as { $metadata?: { attempts?: number } };
      expect(counter.attempts).toBe(3);
      expect(error.$metadata?.attempts).toBe(3);
      counter.attempts = 0;
      await expect(new DynamoDbMeetingRepository(client, table).get('t', randomUUID())).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
      expect(counter.attempts).toBe(3);
    },
  );

  it('tries a client error once and does not call it unavailability', async () => {
    const { client, counter } = faultyClient(async () => dynamoDbErrorAnswer(400, 'ValidationException'));
    const failure = await new DynamoDbMeetingRepository(client, table).get('t', randomUUID()).catch((e: unknown) => e);
    expect(counter.attempts).toBe(1);
    expect((failure as Error).name).toBe('ValidationException');
    expect(failure).not.toBeInstanceOf(StorageUnavailableError);
  });

  it('succeeds when a retry does', async () => {
    const { client, counter } = faultyClient(async (attempt) =>
      attempt < 3 ? dynamoDbErrorAnswer(500, 'InternalServerError') : undefined,
    );
    await expect(getItem(client)).resolves.toMatchObject({ $metadata: { attempts: 3 } });
    expect(counter.attempts).toBe(3);
  });

  it('applies a transaction once when its answer was lost and the SDK retried it (same ClientRequestToken)', async () => {
    const item = { ...key(), value: 1 };
    const { client, counter } = faultyClient(async (attempt, send) => {
      if (attempt > 1) return undefined;
      await send(); // DynamoDB applies it; the answer is lost
      throw timeoutError('injected lost answer');
    });
    // Create-only: a second application would fail its condition.
    await client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }],
      }),
    );
    expect(counter.attempts).toBe(2);
    expect(
      (await sdk.send(new GetCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true })))
        .Item,
    ).toEqual(item);
  });

  it('gives up on a silent endpoint after 3 bounded attempts (timeouts throw)', async () => {
    const silent = await listen(() => undefined);
    const client = createDocumentClient({ ...config, endpoint: silent.endpoint, requestTimeoutMs: 150 });
    const started = Date.now();
    const failure = await getItem(client).catch((e: unknown) => e);
    expect((failure as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(silent.connections()).toBe(3);
    await expect(new DynamoDbMeetingRepository(client, table).get('t', randomUUID())).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
  });

  it('gives up on an answer whose body stalls after its headers', async () => {
    const stalling = await listen((socket) => {
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 100\r\n\r\n{"Item":',
        );
      });
    });
    const client = createDocumentClient({ ...config, endpoint: stalling.endpoint, requestTimeoutMs: 150 });
    const started = Date.now();
    await expect(new DynamoDbMeetingRepository(client, table).get('t', randomUUID())).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(stalling.connections()).toBe(3);
  });

  it('calls a refused connection storage unavailable', async () => {
    const closed = await listen(() => undefined);
    const port = new URL(closed.endpoint).port;
    await closeServer(servers.pop()!);
    const client = createDocumentClient({ ...config, endpoint: `http://127.0.0.1:${port}` });
    await expect(new DynamoDbMeetingRepository(client, table).get('t', randomUUID())).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
  });

  it('keeps its connection alive across calls', async () => {
    const target = new URL(config.endpoint!);
    const proxy = await listen((socket) => {
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    const client = createDocumentClient({ ...config, endpoint: proxy.endpoint });
    for (let i = 0; i < 5; i++) await getItem(client);
    expect(proxy.connections()).toBe(1);
  });
});
