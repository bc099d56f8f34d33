/**
 * The local runtime of the dev stage: the synthesized stack, the IAM enforcement point in front of
 * DynamoDB Local, and the stack's functions as deployed behind it. `npm start`, the API tests and
 * the load benchmark start it the same way.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolveAllAddresses } from '../../shared/composition.js';
import { readFeedConfig, readWebhookConfig } from '../../shared/config.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { DynamoDbSubscriptionRepository } from '../../shared/dynamodb/dynamodb-subscription-repository.js';
import type { LocalEventsOptions } from '../local-events.js';
import type { DeployedFunctions } from './function-host.js';
import { startIamEnforcement, type IamEnforcement } from './iam-enforcement.js';
import { deployedFunctions, prepareLocalStack, principalsOf } from './local-stack.js';
import { localCredentialsOf, TOKEN_ISSUER_VARIABLES } from './local-values.js';
import { functionFrom, type DeployedStack } from './stack-template.js';
import { startStreamEventSources } from './stream-event-sources.js';
import type { SynthesizedStack } from './synthesized-stack.js';

export interface LocalRuntimeOptions {
  /** DynamoDB Local's own endpoint (the enforcement point forwards to it). */
  dynamoDbEndpoint: string;
  tableName: string;
  requireApiKey: boolean;
  /** The dev issuer's JWT_* settings, used unless `env` names an issuer of its own (JWT_ISSUER). */
  devIssuer: Record<string, string>;
  /** The developer's environment: local settings and an own issuer (default process.env). */
  env?: Record<string, string | undefined>;
  /** Changes the stack as read before anything runs (tests: take a grant away). */
  adjustStack?: (stack: DeployedStack) => void;
}

export interface LocalRuntime {
  stack: DeployedStack;
  synthesis: SynthesizedStack;
  functions: DeployedFunctions;
  enforcement: IamEnforcement;
  /** A DynamoDB client that calls as the given role through the enforcement point (the pipes, the runner's queues). */
  clientAs(roleArn: string): DynamoDBDocumentClient;
  /**
   * Change notifications as the stack wires them: the stream read as the delivery pipe's role
   * through its filter, subscriptions read as the fan-out and the delivery function read them.
   */
  changeNotifications(dataDir: string): LocalEventsOptions;
  /**
   * Starts the functions fed by a table's stream (the erasure worker), as their event source
   * mappings read it. One runtime per table should: on AWS each mapping is one reader.
   */
  startStreamEventSources(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const env = options.env ?? process.env;
  const prepared = await prepareLocalStack(options);
  const { stack, synthesis, schemas } = prepared;
  options.adjustStack?.(stack);
  const enforcement = await startIamEnforcement({
    upstream: options.dynamoDbEndpoint,
    accountId: stack.account.accountId,
    principals: principalsOf(stack),
    schemas,
    // npm run iam:report: every distinct decision of the run.
    decisionLog: env.IAM_DECISION_LOG || undefined,
  });
  const fromEnv = (names: readonly string[]) =>
    Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : []))) as Record<string, string>;
  const tokenIssuer = env.JWT_ISSUER
    ? fromEnv(TOKEN_ISSUER_VARIABLES)
    : { ...options.devIssuer, ...fromEnv(['JWT_CLOCK_LEEWAY_SECONDS']) };
  const functions = deployedFunctions(stack, { enforcementEndpoint: enforcement.endpoint, tokenIssuer, env });
  const clients: DynamoDBDocumentClient[] = [];
  let eventSources: { stop(): Promise<void> } | undefined;
  const clientAs = (roleArn: string) => {
    const client = createDocumentClient({
      region: stack.account.region,
      endpoint: enforcement.endpoint,
      localCredentials: localCredentialsOf(roleArn),
    });
    clients.push(client);
    return client;
  };
  return {
    stack,
    synthesis,
    functions,
    enforcement,
    clientAs,
    changeNotifications(dataDir) {
      const pipe = stack.streamPipes.find((candidate) => candidate.target.startsWith('arn:aws:sqs:'));
      if (!pipe || !prepared.tables.meetings.streamArn)
        throw new Error('the template has no delivery pipe on the table stream');
      const repositoryAs = (sourceName: string) =>
        new DynamoDbSubscriptionRepository(clientAs(functionFrom(stack, sourceName).roleArn), options.tableName);
      return {
        endpoint: enforcement.endpoint,
        region: stack.account.region,
        credentials: localCredentialsOf(pipe.roleArn),
        streamArn: prepared.tables.meetings.streamArn,
        filterPatterns: pipe.filterPatterns,
        dataDir,
        writeDeadlineMs: readFeedConfig(
          functions.environmentOf(functionFrom(stack, 'fan-out-meeting-events').logicalId),
        ).writeDeadlineMs,
        subscriptions: repositoryAs('fan-out-meeting-events'),
        deliverySubscriptions: repositoryAs('deliver-webhooks'),
        deliveryMeetings: new DynamoDbMeetingRepository(
          clientAs(functionFrom(stack, 'deliver-webhooks').roleArn),
          options.tableName,
        ),
        // The delivery function's own setting (WEBHOOK_ALLOW_LOOPBACK, a local setting).
        policy: readWebhookConfig(functions.environmentOf(functionFrom(stack, 'deliver-webhooks').logicalId)),
        resolveHost: resolveAllAddresses,
      };
    },
    async startStreamEventSources() {
      eventSources ??= await startStreamEventSources(stack, functions, enforcement.endpoint);
    },
    async stop() {
      await eventSources?.stop();
      await functions.stop();
      for (const client of clients) client.destroy();
      await enforcement.stop();
    },
  };
}
