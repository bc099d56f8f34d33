import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { metricsNamespace, SERVICE_NAME } from '../../shared/metrics.js';
import { productionBundling } from '../bundling/production-bundling.js';
import { stageOf } from '../stage.js';
import type { TableAccess } from '../table-access.js';
import { FlatConstruct } from './flat-construct.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServiceFunctionProps {
  /** Directory under functions/ holding its handler.ts, e.g. get-meeting. */
  name: string;
  environment?: Record<string, string>;
  /** The tables it uses and what it does to each: it gets each table's name in its variable and exactly these grants. */
  tables?: TableGrant[];
  /** Default 512 MB. Lambda gives CPU in proportion: 1,769 MB is one full vCPU. */
  memorySize?: number;
  /** Default 20 s (an API function: API Gateway waits 29 s). */
  timeout?: Duration;
}

export interface TableGrant {
  table: dynamodb.ITableV2;
  /** The environment variable that names it: TABLE_NAME (meetings) or ERASURE_LEDGER_TABLE_NAME. */
  variable: 'TABLE_NAME' | 'ERASURE_LEDGER_TABLE_NAME';
  access: TableAccess;
}

/** One Lambda function of the API with its own log group and its own role. */
export class ServiceFunction extends FlatConstruct {
  readonly function: NodejsFunction;

  constructor(
    scope: Construct,
    id: string,
    { name, environment = {}, tables = [], memorySize = 512, timeout = Duration.seconds(20) }: ServiceFunctionProps,
  ) {
    super(scope, id);
    // Child ids carry the function name: they are the ids the resources had in the stack (FlatConstruct).
    const stage = stageOf(this);
    const logGroup = new logs.LogGroup(this, `${name}-logs`, {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    // Its own role, writing only to its own log group (instead of AWSLambdaBasicExecutionRole's logs:* on *).
    const role = new iam.Role(this, `${name}-role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.function = new NodejsFunction(
      this,
      `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Function`,
      {
        role,
        entry: join(projectRoot, 'functions', name, 'handler.ts'),
        projectRoot,
        depsLockFilePath: join(projectRoot, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize,
        // API functions: room for the bounded retries of shared/dynamodb/document-client.ts (a
        // failing call gives up within 3 x (0.5 s + 2 s) plus the SDK's backoff) after the calls
        // that preceded it; API Gateway waits 29 s.
        timeout,
        tracing: lambda.Tracing.ACTIVE,
        logGroup,
        // No --enable-source-maps: it parses the bundle's map at every cold start (its cost is in
        // docs/performance.md). The maps ship in the asset for symbolicating a logged stack offline.
        environment: {
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          // Each stage its own metrics (shared/metrics.ts).
          POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(stage.name),
          POWERTOOLS_LOG_LEVEL: 'INFO',
          ...Object.fromEntries(tables.map(({ variable, table }) => [variable, table.tableName])),
          ...environment,
        },
        bundling: productionBundling(),
      },
    );
    // Names its source folder for the local runner, which runs this function from the template.
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('meeting-api:function', name);
    for (const { table, access } of tables) this.grantTableAccess(table, access);
  }

  private grantTableAccess(table: dynamodb.ITableV2, access: TableAccess): void {
    const conditions = access.leadingKeys
      ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.leadingKeys } }
      : undefined;
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: access.table, resources: [table.tableArn], conditions }),
    );
    for (const [index, actions] of Object.entries(access.indexes)) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions, resources: [`${table.tableArn}/index/${index}`] }),
      );
    }
  }
}
