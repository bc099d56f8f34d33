import { createHash } from 'node:crypto';

/**
 * The one place where the local runner stands in for what only AWS knows. Everything else it runs
 * comes from the synthesized template as it is:
 *
 * - Values CloudFormation resolves at deploy time: each table's name and ARNs are those of its
 *   DynamoDB Local table (the table's `meeting-api:table` role names it; its account and region
 *   are the local account and region); `AWS::Region`,
 *   `AWS::AccountId` and the ARNs of other resources are made in that account and region.
 * - The token issuer: the dev stage's Cognito pool does not exist here, so the authorizer's JWT_*
 *   settings are the local dev issuer's (or the developer's own JWT_* when JWT_ISSUER is set).
 * - What the Lambda runtime adds to every function: AWS_REGION, AWS_LAMBDA_FUNCTION_NAME,
 *   _HANDLER, and the credentials of its role (each role its own key, derived from its ARN, so
 *   that the local IAM enforcement point knows which role calls).
 * - The template's references: Ref and Fn::GetAtt of a table give its DynamoDB Local name and
 *   ARNs; of a queue its URL; other resources' ARNs are made in the local account and region.
 * - Local settings: DYNAMODB_ENDPOINT (the enforcement point in front of DynamoDB Local),
 *   CHANGES_SETTLE_SECONDS (DynamoDB Local's indexes do not lag: 5 s unless set),
 *   POWERTOOLS_METRICS_DISABLED (no metric lines in a terminal unless set to false),
 *   WEBHOOK_ALLOW_LOOPBACK (webhooks may go to a listener on this machine), and POWERTOOLS_LOG_LEVEL
 *   when the runner's own environment sets it (the tests silence the logs).
 */

export interface LocalAccount {
  accountId: string;
  region: string;
}

/** What DynamoDB Local reports about a table (DescribeTable). */
export interface LocalTable {
  name: string;
  arn: string;
  streamArn?: string;
}

const SERVICE_ARN: Record<string, (id: string, where: string) => string> = {
  'AWS::SQS::Queue': (id, where) => `arn:aws:sqs:${where}:${id}`,
  'AWS::Lambda::Function': (id, where) => `arn:aws:lambda:${where}:function:${id}`,
  'AWS::Logs::LogGroup': (id, where) => `arn:aws:logs:${where}:log-group:${id}:*`,
  'AWS::Events::EventBus': (id, where) => `arn:aws:events:${where}:event-bus/${id}`,
  'AWS::SNS::Topic': (id, where) => `arn:aws:sns:${where}:${id}`,
};

/** The local ARN of a resource of the template that is not the table. */
export function localArn(type: string, logicalId: string, account: LocalAccount): string {
  const where = `${account.region}:${account.accountId}`;
  if (type === 'AWS::IAM::Role') return `arn:aws:iam::${account.accountId}:role/${logicalId}`;
  const make = SERVICE_ARN[type];
  return make
    ? make(logicalId, where)
    : `arn:aws:${type.split('::')[1]!.toLowerCase()}:${where}:${logicalId.toLowerCase()}`;
}

/** A queue's URL (Ref of an AWS::SQS::Queue). */
export const localQueueUrl = (logicalId: string, account: LocalAccount) =>
  `https://sqs.${account.region}.amazonaws.com/${account.accountId}/${logicalId}`;

const isTable = (type: string) => type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable';

/** AWS::Region and the other pseudo parameters, or undefined for a resource's logical id. */
export function localPseudoParameter(name: string, account: LocalAccount): string | undefined {
  const values: Record<string, string> = {
    'AWS::Region': account.region,
    'AWS::AccountId': account.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return values[name];
}

/** The local table that stands in for a table resource of the template (by its logical id). */
export type LocalTableOf = (logicalId: string) => LocalTable;

/** A resource's Ref: a table's name, a queue's URL, otherwise its logical id as its name. */
export function localRef(type: string, logicalId: string, account: LocalAccount, tableOf: LocalTableOf): string {
  if (isTable(type)) return tableOf(logicalId).name;
  if (type === 'AWS::SQS::Queue') return localQueueUrl(logicalId, account);
  return logicalId;
}

/** A resource's Fn::GetAtt: a table's own ARNs, other ARNs in the local account, a queue's URL. */
export function localAttribute(
  type: string,
  logicalId: string,
  attribute: string,
  account: LocalAccount,
  tableOf: LocalTableOf,
): string | undefined {
  if (isTable(type) && attribute === 'Arn') return tableOf(logicalId).arn;
  if (isTable(type) && attribute === 'StreamArn') return tableOf(logicalId).streamArn;
  if (attribute === 'Arn') return localArn(type, logicalId, account);
  if (type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return localQueueUrl(logicalId, account);
  return undefined;
}

/** A role's local credentials: derived from its ARN, so every process of a run agrees on them. */
export function localCredentialsOf(roleArn: string): LocalCredentials {
  const digest = createHash('sha256').update(roleArn).digest('hex').toUpperCase();
  return { accessKeyId: `LOCAL${digest.slice(0, 15)}`, secretAccessKey: digest.slice(15, 55) };
}

/** The authorizer's issuer settings that a local issuer replaces. */
export const TOKEN_ISSUER_VARIABLES = [
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_JWKS_URI',
  'JWT_TENANT_CLAIM',
  'JWT_READ_SCOPE',
  'JWT_WRITE_SCOPE',
  'JWT_PRIVACY_SCOPE',
  'JWT_CLOCK_LEEWAY_SECONDS',
] as const;

export interface LocalSettings {
  /** Where functions reach DynamoDB: the IAM enforcement point. */
  dynamoDbEndpoint: string;
  /** JWT_* for the authorizer (the dev issuer's, or the developer's). */
  tokenIssuer: Record<string, string>;
  /** The runner's environment, for the developer's overrides of the local settings. */
  env?: Record<string, string | undefined>;
}

/** The local settings every function gets on top of its template environment. */
export function localSettings({ dynamoDbEndpoint, env = process.env }: LocalSettings): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: dynamoDbEndpoint,
    CHANGES_SETTLE_SECONDS: env.CHANGES_SETTLE_SECONDS ?? '5',
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    WEBHOOK_ALLOW_LOOPBACK: env.WEBHOOK_ALLOW_LOOPBACK ?? 'true',
    ...(env.POWERTOOLS_LOG_LEVEL ? { POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL } : {}),
  };
}

/** A function's environment as the runner starts it: the template's, then the local stand-ins above. */
export function functionEnvironment(
  templateVariables: Record<string, string>,
  settings: LocalSettings,
  runtime: { functionName: string; handler: string; memoryMb: number; region: string; credentials: LocalCredentials },
): Record<string, string> {
  const usesIssuer = 'JWT_ISSUER' in templateVariables;
  const variables = { ...templateVariables };
  if (usesIssuer) for (const name of TOKEN_ISSUER_VARIABLES) delete variables[name];
  return {
    ...variables,
    ...(usesIssuer ? settings.tokenIssuer : {}),
    ...localSettings(settings),
    AWS_REGION: runtime.region,
    AWS_DEFAULT_REGION: runtime.region,
    AWS_LAMBDA_FUNCTION_NAME: runtime.functionName,
    _HANDLER: runtime.handler,
    AWS_ACCESS_KEY_ID: runtime.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: runtime.credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(runtime.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    TZ: ':UTC',
  };
}

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}
