/**
 * The fan-out function (functions/fan-out-meeting-events) over subscriptions stored in DynamoDB
 * Local, its SQS calls recorded: which subscriptions get the event, in batches SQS accepts, with
 * the group and deduplication ids of the shared plan, and what a failed send retries.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionDeps } from '../../shared/composition.js';
import type { Meeting } from '../../shared/domain/meeting.js';
import {
  MAX_SUBSCRIPTIONS_PER_TENANT,
  type MeetingEventType,
  type StoredSubscription,
} from '../../shared/domain/subscriptions.js';
import { linkKey, meetingKey } from '../../shared/dynamodb/keys.js';
import type { DeliveryMessage } from '../../shared/webhooks/queue-messages.js';
import { newMeeting } from '../../support/fixtures.js';
import { loadWithQueueUrl, sqsRecord } from '../support/sqs-handler.js';

const QUEUE_URL = 'https://sqs.eu-north-1.amazonaws.com/123456789012/deliveries.fifo';
/** Imported once the environment is set: the function reads its configuration at cold start. */
const load = () => import('../../functions/fan-out-meeting-events/handler.js');
const sqs = mockClient(SQSClient);
const { repository } = subscriptionDeps();
let handler: Awaited<ReturnType<typeof load>>['handler'];
let coldStartError: unknown;

beforeAll(async () => {
  let module: Awaited<ReturnType<typeof load>>;
  ({ module, coldStartError } = await loadWithQueueUrl(load, QUEUE_URL));
  ({ handler } = module);
});
afterAll(() => sqs.restore());
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
    Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: randomUUID(), MD5OfMessageBody: '' })),
    Failed: [],
  }));
});

async function subscribe(tenant: string, eventTypes?: MeetingEventType[]): Promise<StoredSubscription> {
  const subscription: StoredSubscription = {
    subscriptionId: randomUUID(),
    url: 'https://hooks.example.com/in',
    eventTypes: eventTypes ?? ['meeting.created', 'meeting.updated', 'meeting.deleted'],
    creationTime: '2025-12-31T00:00:00.000Z', // before the meetings' FIXED_TIME
    secret: 'a-secret',
  };
  await repository.create(tenant, subscription, MAX_SUBSCRIPTIONS_PER_TENANT);
  return subscription;
}

/** A record of the stream-records queue, as the delivery pipe puts a stream record on it. */
function record(
  tenant: string,
  meeting: Meeting,
  version = 1,
  keys = meetingKey(tenant, meeting.meetingId),
): SQSRecord {
  const change = {
    eventID: randomUUID(),
    eventName: version === 1 ? 'INSERT' : 'MODIFY',
    dynamodb: {
      Keys: marshall(keys),
      NewImage: marshall({ ...keys, meeting, version }, { removeUndefinedValues: true }),
    },
  };
  return sqsRecord(JSON.stringify(change), meeting.meetingId, 'stream-records.fifo');
}

const sentEntries = () => sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
const subjectsSent = () =>
  sentEntries()
    .flat()
    .map((entry) => (JSON.parse(entry.MessageBody!) as DeliveryMessage).event.subject);

describe('the fan-out function', () => {
  it('refuses to start without DELIVERY_QUEUE_URL', () => {
    expect(coldStartError).toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('DELIVERY_QUEUE_URL'),
    });
  });

  it("queues the event once per subscription of its tenant and type, in batches of at most 10, never another tenant's", async () => {
    const tenant = `t-${randomUUID()}`;
    const subscribed = await Promise.all(Array.from({ length: 12 }, () => subscribe(tenant)));
    await subscribe(tenant, ['meeting.deleted']);
    await subscribe(`t-${randomUUID()}`);
    const meeting = newMeeting();

    expect(await handler({ Records: [record(tenant, meeting)] })).toEqual({ batchItemFailures: [] });

    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.QueueUrl)).toEqual([QUEUE_URL, QUEUE_URL]);
    expect(sentEntries().map((entries) => entries.length)).toEqual([10, 2]);
    const entries = sentEntries().flat();
    expect(entries.map((entry) => entry.Id).sort()).toEqual(subscribed.map((s) => s.subscriptionId).sort());
    for (const entry of entries) {
      const message = JSON.parse(entry.MessageBody!) as DeliveryMessage;
      expect(message.subscriptionId).toBe(entry.Id);
      expect(message.event).toMatchObject({ type: 'meeting.created', tenantid: tenant, subject: meeting.meetingId });
      expect(entry.MessageGroupId).toBe(`${entry.Id}#${meeting.meetingId}`);
      expect(entry.MessageDeduplicationId).toBe(`${message.event.id}.${entry.Id}`);
    }
  });

  it('queues nothing for a tenant without subscriptions, nor for a record of no meeting event', async () => {
    const tenant = `t-${randomUUID()}`;
    const meeting = newMeeting();
    expect(await handler({ Records: [record(tenant, meeting)] })).toEqual({ batchItemFailures: [] });
    await subscribe(tenant);
    const link = record(tenant, meeting, 1, linkKey(tenant, meeting.meetingId, 'AGENT', 0));
    expect(await handler({ Records: [link] })).toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it.each([
    [
      'answers with failed entries',
      (input: { Entries: SendMessageBatchRequestEntry[] }) => ({
        Successful: [],
        Failed: input.Entries.map(({ Id }) => ({ Id, SenderFault: false, Code: 'InternalError' })),
      }),
    ],
    [
      'rejects the call',
      () => {
        throw new Error('service unavailable');
      },
    ],
  ])(
    'when SQS %s, that record and the later ones of its meeting come again; other meetings go on',
    async (_, failure) => {
      const tenant = `t-${randomUUID()}`;
      await subscribe(tenant);
      const failing = newMeeting();
      const other = newMeeting();
      sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
        const { event } = JSON.parse(input.Entries[0]!.MessageBody!) as DeliveryMessage;
        if (event.subject === failing.meetingId) return failure(input);
        return { Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: randomUUID(), MD5OfMessageBody: '' })) };
      });
      const first = record(tenant, failing);
      const second = record(tenant, other);
      const third = record(tenant, { ...failing, notes: 'later' }, 2);

      const answer = await handler({ Records: [first, second, third] });

      expect(answer.batchItemFailures).toEqual([
        { itemIdentifier: first.messageId },
        { itemIdentifier: third.messageId },
      ]);
      // The later record of the failing meeting is not even tried: it must not overtake the first.
      expect(subjectsSent()).toEqual([failing.meetingId, other.meetingId]);
    },
  );
});
