/**
 * Grants that `npm run iam:report` finds unused by the API tests, each with why it stays. A grant
 * matches an entry when its principal, action and resource match the entry's patterns (* as in IAM).
 */
export interface AllowedUnusedGrant {
  principal: string;
  action: string;
  resource: string;
  reason: string;
}

export const ALLOWED_UNUSED_GRANTS: AllowedUnusedGrant[] = [
  {
    principal: '*',
    action: 'logs:*',
    resource: '*',
    reason: "the Lambda service writes the function's logs with its role; no function code calls CloudWatch Logs",
  },
  {
    principal: '*',
    action: 'xray:*',
    resource: '*',
    reason: "Lambda's active tracing sends the function's trace segments with its role",
  },
  {
    principal: 'create-meeting',
    action: 'dynamodb:GetItem',
    resource: '*',
    reason:
      'read only when a create loses its race to a concurrent transaction on the same id (TransactionConflict hands back no item), which the API tests cannot time',
  },
  {
    principal: 'create-meetings-batch',
    action: 'dynamodb:GetItem',
    resource: '*',
    reason: 'each item is a keyed create: read only when it loses its race as create-meeting does (above)',
  },
  {
    principal: 'create-subscription',
    action: 'dynamodb:GetItem',
    resource: '*',
    reason:
      "reads the tenant's subscription count only after its transaction met another on it, which the API tests time only when their concurrent subscribes happen to collide",
  },
  {
    principal: 'fan-out-meeting-events',
    action: 'sqs:*',
    resource: '*',
    reason:
      'SQS does not run locally: the fan-out sends to the delivery queue on AWS; test/integration/fan-out-meeting-events.test.ts checks those calls',
  },
  {
    principal: 'deliver-webhooks',
    action: 'sqs:*',
    resource: '*',
    reason:
      'SQS does not run locally: the delivery function backs off through the message visibility on AWS; test/integration/deliver-webhooks.test.ts checks those calls',
  },
  {
    principal: 'ChangeNotificationsEventsPipeRole*',
    action: '*',
    resource: '*',
    reason:
      'EventBridge Pipes does not run locally, and the runner plays only the delivery pipe: the events pipe (its stream reads, its enrichment invocation, its event bus, its dead-letter queue) exists only on AWS',
  },
  {
    principal: 'ChangeNotificationsDeliveryPipeRole*',
    action: 'sqs:*',
    resource: '*',
    reason:
      "SQS does not run locally: the delivery pipe sends the stream's records to the stream-records queue and what it gives up on to its dead-letter queue",
  },
  {
    principal: 'ChangeNotificationsDeliveryPipeRole*',
    action: 'dynamodb:ListStreams',
    resource: '*',
    reason:
      "EventBridge Pipes lists the table's streams to find the one it reads; the local runner is given that stream's ARN",
  },
  {
    principal: 'carry-out-erasures',
    action: 'sqs:*',
    resource: '*',
    reason:
      "SQS does not run locally: the worker's event source mapping describes a record it gave up on in the on-failure queue with the function's role; the local runner logs it instead",
  },
  {
    principal: 'carry-out-erasures',
    action: 'dynamodb:ListStreams',
    resource: '*',
    reason:
      "CDK's stream read grant for the event source mapping, which is given the erasure ledger's stream ARN and reads it without listing streams (ListStreams on a stream ARN allows nothing on AWS either)",
  },
];
