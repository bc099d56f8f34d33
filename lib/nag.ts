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
    'Every function is invoked synchronously by API Gateway, which returns its error to the client; a DLQ only applies to asynchronous invocations.',
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
  for (const fn of [stack.authorizerFunction, ...Object.values(stack.functions)]) {
    acknowledge(
      fn.role!,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
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
