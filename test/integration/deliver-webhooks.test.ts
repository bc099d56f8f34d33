/**
 * The delivery function (functions/deliver-webhooks) over subscriptions stored in DynamoDB Local
 * and a receiver on loopback, its SQS calls recorded: a delivered event is done, a failed one backs
 * off through its visibility timeout and is reported failed, a deleted subscription gets nothing.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionDeps } from '../../shared/composition.js';
import { meetingEventOf } from '../../shared/domain/meeting-events.js';
import { MAX_SUBSCRIPTIONS_PER_TENANT, type StoredSubscription } from '../../shared/domain/subscriptions.js';
import {
  DELIVERY_MAX_RECEIVES,
  retryDelaySeconds,
  type DeliveryMessage,
} from '../../shared/webhooks/queue-messages.js';
import { verifySignature } from '../../shared/webhooks/signature.js';
import { newMeeting } from '../../support/fixtures.js';
import { loadWithQueueUrl, sqsRecord } from '../support/sqs-handler.js';

const QUEUE_URL = 'https://sqs.eu-north-1.amazonaws.com/123456789012/deliveries.fifo';
/** Imported once the environment is set: the function reads its configuration at cold start. */
const load = () => import('../../functions/deliver-webhooks/handler.js');
const sqs = mockClient(SQSClient);
const { repository } = subscriptionDeps();
let handler: Awaited<ReturnType<typeof load>>['handler'];
let coldStartError: unknown;

/** A webhook receiver on loopback: /ok answers 204, /fail 500; records what arrives. */
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.url === '/ok' ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let module: Awaited<ReturnType<typeof load>>;
  ({ module, coldStartError } = await loadWithQueueUrl(load, QUEUE_URL));
  ({ handler } = module);
});
afterAll(async () => {
  sqs.restore();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  received.length = 0;
});

async function subscribe(path: string) {
  const tenant = `t-${randomUUID()}`;
  const subscription: StoredSubscription = {
    subscriptionId: randomUUID(),
    url: `${base}${path}`,
    eventTypes: ['meeting.created', 'meeting.updated', 'meeting.deleted'],
    creationTime: '2025-12-31T00:00:00.000Z',
    secret: `secret-${randomUUID()}`,
  };
  await repository.create(tenant, subscription, MAX_SUBSCRIPTIONS_PER_TENANT);
  return { tenant, subscription };
}

/** A record of the delivery queue, as the fan-out function queued it, received `receives` times. */
function record(tenant: string, subscriptionId: string, receives = 1): SQSRecord {
  const event = meetingEventOf(tenant, undefined, { meeting: newMeeting(), version: 1 })!;
  return sqsRecord(
    JSON.stringify({ subscriptionId, event } satisfies DeliveryMessage),
    `${subscriptionId}#${event.subject}`,
    'deliveries.fifo',
    receives,
  );
}

const visibilityChanges = () => sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);

describe('the delivery function', () => {
  it('refuses to start without DELIVERY_QUEUE_URL', () => {
    expect(coldStartError).toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('DELIVERY_QUEUE_URL'),
    });
  });

  it('posts the signed event to a receiver answering 2xx: no failure, no backoff', async () => {
    const { tenant, subscription } = await subscribe('/ok');
    const message = record(tenant, subscription.subscriptionId);

    expect(await handler({ Records: [message] })).toEqual({ batchItemFailures: [] });

    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.path).toBe('/ok');
    expect(delivery!.headers['content-type']).toBe('application/cloudevents+json');
    expect(JSON.parse(delivery!.body)).toEqual((JSON.parse(message.body) as DeliveryMessage).event);
    const signature = delivery!.headers['x-ovipro-signature'] as string;
    expect(verifySignature(subscription.secret, delivery!.body, signature, Date.now())).toBe(true);
    expect(visibilityChanges()).toEqual([]);
  });

  it.each([1, 3, 19])(
    'backs off a failed delivery (received %i times) by its visibility timeout and reports it failed',
    async (receives) => {
      const { tenant, subscription } = await subscribe('/fail');
      const message = record(tenant, subscription.subscriptionId, receives);

      expect(await handler({ Records: [message] })).toEqual({
        batchItemFailures: [{ itemIdentifier: message.messageId }],
      });

      expect(received.map((r) => r.path)).toEqual(['/fail']);
      expect(visibilityChanges()).toEqual([
        { QueueUrl: QUEUE_URL, ReceiptHandle: message.receiptHandle, VisibilityTimeout: retryDelaySeconds(receives) },
      ]);
    },
  );

  it('gives a message whose attempts are spent back at once, for the redrive to dead-letter it', async () => {
    const { tenant, subscription } = await subscribe('/fail');
    const message = record(tenant, subscription.subscriptionId, DELIVERY_MAX_RECEIVES);
    expect(await handler({ Records: [message] })).toEqual({
      batchItemFailures: [{ itemIdentifier: message.messageId }],
    });
    expect(visibilityChanges()).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: message.receiptHandle, VisibilityTimeout: 0 },
    ]);
  });

  it('still reports the failure when the backoff cannot be set', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('service unavailable'));
    const { tenant, subscription } = await subscribe('/fail');
    const message = record(tenant, subscription.subscriptionId);
    expect(await handler({ Records: [message] })).toEqual({
      batchItemFailures: [{ itemIdentifier: message.messageId }],
    });
  });

  it('delivers nothing for a subscription deleted since the fan-out, and does not retry', async () => {
    const { tenant, subscription } = await subscribe('/ok');
    expect(await repository.delete(tenant, subscription.subscriptionId)).toBe(true);

    expect(await handler({ Records: [record(tenant, subscription.subscriptionId)] })).toEqual({
      batchItemFailures: [],
    });

    expect(received).toEqual([]);
    expect(visibilityChanges()).toEqual([]);
  });
});
