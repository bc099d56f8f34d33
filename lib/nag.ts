import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { MeetingApiStack } from './meeting-api-stack.js';

/** cdk-nag's AwsSolutions and Serverless packs run on every synth: an unacknowledged finding fails it. */
export function applyNagPacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

const acknowledge = (scope: IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id, reason });

/** Every acknowledged finding of the stack, in one place, each with the reason it stands. */
export function acknowledgeFindings(stack: MeetingApiStack): void {
  acknowledge(
    stack,
    'Serverless::Serverless-LambdaDLQ',
    "No function is invoked asynchronously, where a Lambda DLQ applies: API Gateway invokes the API functions and returns their errors to the client; the pipe invokes its enrichment synchronously (failures retried, then alarmed); SQS event sources invoke the fan-out and delivery functions, and their queues have dead-letter queues; the erasure ledger's stream invokes the erasure worker, with an on-failure queue.",
  );
  acknowledge(
    stack,
    'AwsSolutions::AwsSolutions-COG4',
    'Methods use a Lambda token authorizer (aws-jwt-verify) on purpose: it accepts external OAuth issuers, maps a claim to the tenant, and answers 401/403 in the house error body.',
  );
  acknowledge(
    stack.api,
    'AwsSolutions::AwsSolutions-APIG2',
    'Requests are validated in each function by validators generated from the OpenAPI document, so that every error uses the house error body and check order of the contract; API Gateway request validation would answer in its own format.',
  );
  for (const method of stack.api.methods.filter((m) => m.resource.path.startsWith('/calendars/'))) {
    acknowledge(
      method,
      'AwsSolutions::AwsSolutions-APIG4',
      "A calendar app's feed: apps send no token, so the feed's secret address (a 256-bit token, stored as its hash, revocable) is the credential, as in Google's and Microsoft's secret calendar addresses; the WAF's rate rule covers it as every method.",
    );
  }
  for (const fn of [
    stack.authorizerFunction,
    ...Object.values(stack.functions),
    ...stack.changeNotifications.functions,
    stack.erasureWorker.function,
  ]) {
    acknowledge(
      fn.role!,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    );
  }
  for (const role of stack.changeNotifications.pipeRoles) {
    acknowledge(
      role,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      "dynamodb:ListStreams supports no resource-level permissions; EventBridge Pipes lists the table's streams with it.",
    );
  }
  for (const queue of [...stack.changeNotifications.deadLetterQueues, stack.erasureWorker.deadLetters]) {
    const reason = 'A dead-letter queue: the end of the line, watched by an alarm; it has no redrive of its own.';
    acknowledge(queue, 'Serverless::Serverless-SQSRedrivePolicy', reason);
    // The pipes' and the erasure worker's dead-letter queues are named in their source parameters
    // (an event source's on-failure destination), which cdk-nag does not read.
    acknowledge(queue, 'AwsSolutions::AwsSolutions-SQS3', reason);
  }
  for (const fn of stack.changeNotifications.queueConsumers) {
    acknowledge(
      fn,
      'Serverless::Serverless-LambdaEventSourceMappingDestination',
      "SQS event sources take no on-failure destination; a message that keeps failing goes to its queue's dead-letter queue (redrive policy), which is alarmed.",
    );
  }
  const cloudWatchRole = stack.api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'The account-level role API Gateway needs to write access and execution logs; this AWS managed policy is the documented one for it.',
    );
  }
  if (stack.userPool) {
    const reason =
      'The pool has no users: it only issues client-credentials tokens to partner systems (app clients), so sign-in MFA and user threat protection do not apply.';
    acknowledge(stack.userPool, 'AwsSolutions::AwsSolutions-COG2', reason);
    acknowledge(stack.userPool, 'AwsSolutions::AwsSolutions-COG8', reason);
  }
}
