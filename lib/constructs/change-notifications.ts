import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MEETING_SK } from '../../shared/dynamodb/keys.js';
import { DELIVERY_MAX_RECEIVES } from '../../shared/webhooks/queue-messages.js';
import { MEETING_PARTITIONS, SUBSCRIPTION_PARTITIONS } from '../table-access.js';
import { changeNotificationAlarms } from './change-notification-alarms.js';
import { ServiceFunction } from './service-function.js';

export interface ChangeNotificationsProps {
  table: dynamodb.ITableV2;
  alarmTopic: sns.ITopic;
}

/** Meeting items only, and only writes (a tombstone expiring is a REMOVE: no event). */
const MEETING_WRITES = { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: [MEETING_SK] } } } };

/**
 * Change notifications from the table's stream (contract-integration.md, "Change notifications"):
 *
 *   stream -> pipe "events" (filter: meeting writes; enrichment: build the CloudEvent) -> event bus
 *             "meetings", which other AWS consumers subscribe to with their own rules;
 *   stream -> pipe "delivery" (same filter) -> FIFO queue, one message group per meeting ->
 *             fan-out function -> FIFO delivery queue, one group per subscription + meeting ->
 *             delivery function (signed POST; backoff by visibility timeout) -> dead-letter queue.
 *
 * Webhook delivery reads the stream through its own pipe rather than from the bus: EventBridge
 * does not keep the order of events to a target, and deliveries must keep it per meeting. A
 * stream shard keeps a meeting's records in order, and so do the FIFO groups after it.
 */
export class ChangeNotifications extends Construct {
  readonly bus: events.EventBus;
  readonly deliveryDeadLetters: sqs.Queue;
  /** Its functions (the enrichment, the fan-out, the delivery). */
  readonly functions: lambda.IFunction[];
  /** The queues at the end of the line (no redrive of their own). */
  readonly deadLetterQueues: sqs.Queue[];
  /** The functions fed by SQS event sources. */
  readonly queueConsumers: lambda.IFunction[];
  readonly alarms: cloudwatch.Alarm[];
  /** The pipes' roles. */
  readonly pipeRoles: iam.Role[] = [];

  constructor(scope: Construct, id: string, { table, alarmTopic }: ChangeNotificationsProps) {
    super(scope, id);
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error('the meetings table needs its stream for change notifications');

    this.bus = new events.EventBus(this, 'MeetingEventBus', { eventBusName: `${this.node.addr}-meetings` });
    const buildEvents = new ServiceFunction(this, 'BuildMeetingEvents', { name: 'build-meeting-events' }).function;

    const fifoQueue = (name: string, props: Partial<sqs.QueueProps> = {}) =>
      new sqs.Queue(this, name, {
        fifo: true,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        ...props,
      });
    // Stream records a pipe could not pass on after its retries (a standard queue: a stream source's
    // dead letters cannot go to a FIFO queue).
    const pipeDeadLetters = new sqs.Queue(this, 'PipeDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const streamDeadLetters = fifoQueue('StreamRecordsDeadLetters');
    const streamRecords = fifoQueue('StreamRecords', {
      visibilityTimeout: Duration.seconds(120),
      deadLetterQueue: { queue: streamDeadLetters, maxReceiveCount: 10 },
    });
    this.deliveryDeadLetters = fifoQueue('DeliveryDeadLetters');
    const deliveries = fifoQueue('Deliveries', {
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: this.deliveryDeadLetters, maxReceiveCount: DELIVERY_MAX_RECEIVES },
    });

    const pipeRole = (name: string) => {
      const role = new iam.Role(this, name, { assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com') });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [streamArn],
        }),
      );
      // ListStreams has no resource-level permission: granted on a stream ARN it allows nothing.
      role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
      pipeDeadLetters.grantSendMessages(role);
      this.pipeRoles.push(role);
      return role;
    };
    const source = {
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'LATEST',
          batchSize: 10,
          // A failing batch is split until the failing record is alone; it is retried for up to a
          // day, then its description goes to the dead-letter queue (alarmed).
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          maximumRetryAttempts: 1000,
          maximumRecordAgeInSeconds: 86_400,
          deadLetterConfig: { arn: pipeDeadLetters.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(MEETING_WRITES) }] },
      },
    };

    const eventsRole = pipeRole('EventsPipeRole');
    // The function itself, not its versions (grantInvoke would add <arn>:*).
    eventsRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [buildEvents.functionArn] }),
    );
    eventsRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    const eventsPipe = new pipes.CfnPipe(this, 'EventsPipe', {
      roleArn: eventsRole.roleArn,
      ...source,
      enrichment: buildEvents.functionArn,
      target: this.bus.eventBusArn,
      targetParameters: { eventBridgeEventBusParameters: { source: 'meeting-api', detailType: 'meeting-event' } },
    });

    const deliveryRole = pipeRole('DeliveryPipeRole');
    streamRecords.grantSendMessages(deliveryRole);
    const deliveryPipe = new pipes.CfnPipe(this, 'DeliveryPipe', {
      roleArn: deliveryRole.roleArn,
      ...source,
      target: streamRecords.queueArn,
      targetParameters: {
        // One group per meeting (its id: 36 characters, within SQS's 128 whatever the tenant id);
        // the stream record's id deduplicates a resend.
        sqsQueueParameters: { messageGroupId: '$.dynamodb.NewImage.meetingId.S', messageDeduplicationId: '$.eventID' },
      },
    });

    // Both read subscriptions only: items under TENANT#<tenant>#SUBSCRIPTIONS, never a meeting.
    const subscriptionItems = (actions: string[]) =>
      new iam.PolicyStatement({
        actions,
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': SUBSCRIPTION_PARTITIONS } },
      });
    const fanOut = new ServiceFunction(this, 'FanOutMeetingEvents', {
      name: 'fan-out-meeting-events',
      environment: { DELIVERY_QUEUE_URL: deliveries.queueUrl, TABLE_NAME: table.tableName },
    }).function;
    fanOut.addToRolePolicy(subscriptionItems(['dynamodb:Query']));
    deliveries.grantSendMessages(fanOut);
    fanOut.addEventSource(
      new lambdaEventSources.SqsEventSource(streamRecords, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );

    const deliver = new ServiceFunction(this, 'DeliverWebhooks', {
      name: 'deliver-webhooks',
      environment: { DELIVERY_QUEUE_URL: deliveries.queueUrl, TABLE_NAME: table.tableName },
    }).function;
    deliver.addToRolePolicy(subscriptionItems(['dynamodb:GetItem']));
    // Each attempt reads when a data subject was last erased from the event's meeting (one
    // projected GetItem of the meeting item), so that no event from before an erasure goes out.
    deliver.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': MEETING_PARTITIONS } },
      }),
    );
    deliver.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:ChangeMessageVisibility'], resources: [deliveries.queueArn] }),
    );
    // Bounded, so that slow receivers cannot take the account's concurrency from the API.
    deliver.addEventSource(
      new lambdaEventSources.SqsEventSource(deliveries, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 20,
      }),
    );

    this.functions = [buildEvents, fanOut, deliver];
    this.deadLetterQueues = [pipeDeadLetters, streamDeadLetters, this.deliveryDeadLetters];
    this.queueConsumers = [fanOut, deliver];

    this.alarms = changeNotificationAlarms(this, {
      alarmTopic,
      deliveryDeadLetters: this.deliveryDeadLetters,
      pipeDeadLetters,
      streamRecordsDeadLetters: streamDeadLetters,
      pipes: { EventsPipe: eventsPipe, DeliveryPipe: deliveryPipe },
    });
  }
}
