/**
 * bench:coldstart's invocations of the functions fed by streams and queues (lib/constructs/
 * change-notifications.ts, erasure-worker.ts), with events of the shapes Lambda sends: the
 * pipe's enrichment gets the table's stream records, the fan-out a FIFO message holding one, the
 * delivery a FIFO message of the fan-out's, the erasure worker the ledger's stream record.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { MeetingCloudEvent } from '../../shared/domain/meeting-events.js';
import { DynamoDbErasureRepository } from '../../shared/dynamodb/dynamodb-erasure-repository.js';
import { erasureKey, meetingKey } from '../../shared/dynamodb/keys.js';
import { eventOfStreamChange } from '../../shared/dynamodb/stream-events.js';
import { erasureLedgerTableName } from '../../shared/dynamodb/table-definition.js';
import { meetingInput, ORIGIN } from '../../support/fixtures.js';
import type { FunctionName } from './coldstart-bundles.js';
import {
  expectStatus,
  LOOPBACK_WEBHOOKS,
  once,
  SIDES,
  type Invocation,
  type InvocationContext,
  type Side,
} from './coldstart-invocation.js';
import { sqsEvent, streamRecord } from './lambda-events.js';

const EVENTS_TENANT = 'bench-events';
const ERASURES_TENANT = 'bench-erasure-worker';
const DELIVERY_QUEUE = 'Deliveries.fifo';

type BatchAnswer = { batchItemFailures?: unknown[] } | undefined;

function expectNoFailures(name: string, side: Side, answer: unknown): void {
  const failures = (answer as BatchAnswer)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length)
    throw new Error(`${side} ${name} reported failures: ${JSON.stringify(answer)}`);
}

/** The counter must have moved since the sample's event was made: the call reached its endpoint. */
function expectReached(name: string, side: Side, now: number, before: number, what: string): void {
  if (now <= before) throw new Error(`${side} ${name} answered without any ${what}`);
}

export function eventInvocations(
  ctx: InvocationContext,
  client: DynamoDBDocumentClient,
  tableName: string,
): Record<FunctionName, Invocation> {
  const { counts } = ctx.endpoints;
  const ledgerName = erasureLedgerTableName(tableName);
  const item = async (table: string, key: Record<string, string>) => {
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    if (!Item) throw new Error(`seeding: no item ${JSON.stringify(key)}`);
    return marshall(Item, { removeUndefinedValues: true });
  };
  const queueEnvironment = { ...LOOPBACK_WEBHOOKS, DELIVERY_QUEUE_URL: ctx.endpoints.queueUrl(DELIVERY_QUEUE) };

  // Two subscriptions of the tenant, then a meeting written after them: its INSERT record.
  const meeting = { id: '', record: () => ({}) as ReturnType<typeof streamRecord>, subscriptionId: '' };
  const seedMeetingWrite = once(async () => {
    const subscribe = () =>
      ctx.events.apiEvent(EVENTS_TENANT, {
        method: 'POST',
        resource: '/subscriptions',
        body: { url: ctx.endpoints.webhookUrl, eventTypes: ['meeting.created', 'meeting.updated'] },
      });
    const subscriptions = await ctx.seedThrough('create-subscription', [subscribe(), subscribe()]);
    meeting.subscriptionId = String(expectStatus('seeding', 'ours', subscriptions[0], 201).subscriptionId);
    const [created] = await ctx.seedThrough('create-meeting', [
      ctx.events.apiEvent(EVENTS_TENANT, { method: 'POST', resource: '/meetings', body: meetingInput() }),
    ]);
    meeting.id = String(expectStatus('seeding', 'ours', created, 201).meetingId);
    const key = meetingKey(EVENTS_TENANT, meeting.id);
    const image = await item(tableName, key);
    meeting.record = () => streamRecord(tableName, marshall(key), image, 'NEW_AND_OLD_IMAGES');
  });
  const cloudEvent = (): MeetingCloudEvent => eventOfStreamChange(meeting.record())!;

  // One queued erasure a sample, each of a party named in one meeting, recorded as the API records a large one.
  const erasures = { ours: [] as string[], reference: [] as string[], last: { ours: '', reference: '' } };
  const ledger = new DynamoDbErasureRepository(client, ledgerName);
  const seedErasures = async () => {
    for (const side of SIDES) {
      const parties = Array.from({ length: ctx.samplesPerSide }, () => randomUUID());
      const created = await ctx.seedThrough(
        'create-meeting',
        parties.map((partyId) =>
          ctx.events.apiEvent(ERASURES_TENANT, {
            method: 'POST',
            resource: '/meetings',
            body: meetingInput({ parties: [{ partyId, partyTypeCode: 'PERSON_PARTY' }] }),
          }),
        ),
      );
      created.forEach((answer) => expectStatus('seeding', 'ours', answer, 201));
      for (const partyId of parties) {
        const erasureId = randomUUID();
        const erasure = { erasureId, partyId, status: 'PENDING' as const, requestedAt: new Date().toISOString() };
        await ledger.record(ERASURES_TENANT, erasure, { origin: ORIGIN, queued: true });
        erasures[side].push(erasureId);
      }
    }
  };

  return {
    'build-meeting-events': {
      seed: seedMeetingWrite,
      event: () => [meeting.record()],
      check(answer, side) {
        const events = answer as Array<{ type?: string }> | undefined;
        if (events?.length !== 1 || events[0]!.type !== 'meeting.created')
          throw new Error(`${side} build-meeting-events answered ${JSON.stringify(answer)}`);
      },
    },
    'fan-out-meeting-events': (() => {
      let before = 0;
      return {
        seed: seedMeetingWrite,
        environment: queueEnvironment,
        event: () => {
          before = counts.messages;
          return sqsEvent('StreamRecords.fifo', [{ body: JSON.stringify(meeting.record()), groupId: meeting.id }]);
        },
        check(answer, side) {
          expectNoFailures('fan-out-meeting-events', side, answer);
          expectReached('fan-out-meeting-events', side, counts.messages, before, 'message queued');
        },
      };
    })(),
    'deliver-webhooks': (() => {
      let before = 0;
      return {
        seed: seedMeetingWrite,
        environment: queueEnvironment,
        event: () => {
          before = counts.webhooks;
          const message = { subscriptionId: meeting.subscriptionId, event: cloudEvent() };
          return sqsEvent(DELIVERY_QUEUE, [
            { body: JSON.stringify(message), groupId: `${meeting.subscriptionId}#${meeting.id}` },
          ]);
        },
        check(answer, side) {
          expectNoFailures('deliver-webhooks', side, answer);
          expectReached('deliver-webhooks', side, counts.webhooks, before, 'webhook received');
        },
      };
    })(),
    'carry-out-erasures': {
      seed: seedErasures,
      async event(side) {
        const erasureId = erasures[side].shift();
        if (!erasureId) throw new Error('out of queued erasures');
        erasures.last[side] = erasureId;
        const key = erasureKey(ERASURES_TENANT, erasureId);
        return { Records: [streamRecord(ledgerName, marshall(key), await item(ledgerName, key), 'NEW_IMAGE')] };
      },
      async check(answer, side) {
        expectNoFailures('carry-out-erasures', side, answer);
        const job = await ledger.job(ERASURES_TENANT, erasures.last[side]);
        if (job?.queued !== false || job.erasure.status !== 'COMPLETED')
          throw new Error(`${side} carry-out-erasures left the erasure ${job?.erasure.status ?? 'missing'}`);
      },
    },
  };
}
