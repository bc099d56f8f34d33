import { CfnOutput, Duration, Stack, type CfnElement, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { authorizerResultTtlSeconds, routes, type OperationId } from '../shared/routes.js';
import { STACK_OUTPUTS } from '../shared/stack-outputs.js';
import { ChangeNotifications } from './constructs/change-notifications.js';
import { EdgeProtection } from './constructs/edge-protection.js';
import { ErasureLedgerTable } from './constructs/erasure-ledger-table.js';
import { ErasureWorker } from './constructs/erasure-worker.js';
import { namingScopes } from './constructs/flat-construct.js';
import { MeetingRestApi } from './constructs/meeting-rest-api.js';
import { MeetingsTable } from './constructs/meetings-table.js';
import { Monitoring } from './constructs/monitoring.js';
import { OperationsDashboard } from './constructs/operations-dashboard.js';
import { PartnerKeys } from './constructs/partner-keys.js';
import { ServiceFunction, type TableGrant } from './constructs/service-function.js';
import { CognitoTokenIssuer, externalTokenIssuer, type ExternalIssuer } from './constructs/token-issuer.js';
import { stageOf } from './stage.js';
import { ERASURE_LEDGER_ACCESS, TABLE_ACCESS } from './table-access.js';

export type { ExternalIssuer } from './constructs/token-issuer.js';

/**
 * Search evaluates every entry of a broad search's range in the function: with a third of a vCPU
 * (512 MB) the broadest searches of a large tenant would near the timeout, so it gets one full vCPU
 * (1,769 MB). The figures behind this are bench:search's, in docs/scaling.md.
 */
const FUNCTION_MEMORY_MB: Partial<Record<OperationId, number>> = { searchMeetings: 1769 };

/** An operation's grants on the meetings table and the erasure ledger (lib/table-access.ts). */
function tableGrants(
  operationId: OperationId,
  meetings: dynamodb.ITableV2,
  erasureLedger: dynamodb.ITableV2,
): TableGrant[] {
  const grants: TableGrant[] = [];
  const meetingsAccess = TABLE_ACCESS[operationId];
  if (meetingsAccess) grants.push({ table: meetings, variable: 'TABLE_NAME', access: meetingsAccess });
  const ledgerActions = (ERASURE_LEDGER_ACCESS as Partial<Record<string, readonly string[]>>)[operationId];
  if (ledgerActions)
    grants.push({
      table: erasureLedger,
      variable: 'ERASURE_LEDGER_TABLE_NAME',
      access: { table: [...ledgerActions], indexes: {} },
    });
  return grants;
}

export interface MeetingApiStackProps extends StackProps {
  /** Tokens from this issuer; without it the stack creates a Cognito user pool to issue them. */
  externalIssuer?: ExternalIssuer;
  /** Serve the API on this name too (a regional custom domain with an ACM certificate of its region). */
  customDomain?: { domainName: string; certificateArn: string };
  /** Every call needs a partner key (x-api-key) of the token's tenant, metered by its usage plan. */
  requireApiKey?: boolean;
}

/**
 * The Meeting API: table, token authorizer, one function per operation, REST API, WAF, alarms and
 * a dashboard, for the stage in the app's context (`-c stage=dev|prod`, lib/stage.ts).
 */
export class MeetingApiStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly erasureLedger: dynamodb.TableV2;
  readonly erasureWorker: ErasureWorker;
  readonly api: apigateway.RestApi;
  readonly functions: Record<string, NodejsFunction> = {};
  readonly authorizerFunction: NodejsFunction;
  readonly userPool?: cognito.UserPool;
  readonly changeNotifications: ChangeNotifications;
  readonly partnerKeys: PartnerKeys;

  constructor(scope: Construct, id: string, props: MeetingApiStackProps = {}) {
    super(scope, id, props);

    this.table = new MeetingsTable(this, 'MeetingsTable');
    this.erasureLedger = new ErasureLedgerTable(this, 'ErasureLedger');

    const issuer = props.externalIssuer
      ? externalTokenIssuer(props.externalIssuer)
      : new CognitoTokenIssuer(this, 'TokenIssuer');
    this.userPool = issuer.userPool;
    const requireApiKey = props.requireApiKey ?? false;
    this.authorizerFunction = new ServiceFunction(this, 'Authorizer', {
      name: 'authorizer',
      environment: { ...issuer.environment, ...(requireApiKey ? { REQUIRE_API_KEY: 'true' } : {}) },
    }).function;
    // At the stack's root, as RestApi: the authorizer's name and its Lambda permission come from its path.
    const authorizer = new apigateway.RequestAuthorizer(this, 'TokenAuthorizer', {
      handler: this.authorizerFunction,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(authorizerResultTtlSeconds(requireApiKey)),
    });

    const stage = stageOf(this);
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    const api = new MeetingRestApi(this, 'MeetingApi', {
      restApiName: `meeting-api-${stage.name}`,
      accessLogs,
      authorizer,
      customDomain: props.customDomain,
      requireApiKey,
    });
    this.api = api;
    for (const route of routes) {
      const fn = new ServiceFunction(this, route.operationId, {
        name: route.functionName,
        tables: tableGrants(route.operationId, this.table, this.erasureLedger),
        memorySize: FUNCTION_MEMORY_MB[route.operationId],
      }).function;
      this.functions[route.operationId] = fn;
      api.addRoute(route, fn);
    }

    // Always there, keys required or not: turning the requirement off and on again keeps the plans
    // and every key bound to them (a plan meters only methods that require a key).
    this.partnerKeys = new PartnerKeys(this, 'PartnerKeys', { api, stageName: stage.name });

    new EdgeProtection(this, 'EdgeProtection', { stageArn: api.deploymentStage.stageArn });
    const monitoring = new Monitoring(this, 'Monitoring', {
      api,
      table: this.table,
      authorizerFunction: this.authorizerFunction,
    });

    // New to the deployed stack, so a plain Construct (see FlatConstruct).
    this.changeNotifications = new ChangeNotifications(this, 'ChangeNotifications', {
      table: this.table,
      alarmTopic: monitoring.alarmTopic,
    });

    this.erasureWorker = new ErasureWorker(this, 'ErasureWorker', {
      table: this.table,
      erasureLedger: this.erasureLedger,
      alarmTopic: monitoring.alarmTopic,
    });

    new OperationsDashboard(this, 'Operations', {
      dashboardName: `meeting-api-${stage.name}-${this.region}`,
      api,
      table: this.table,
      throttledRequests: monitoring.throttledRequests,
      alarms: [...monitoring.alarms, ...this.changeNotifications.alarms, ...this.erasureWorker.alarms],
    });

    new CfnOutput(this, STACK_OUTPUTS.apiUrl, { value: api.url });
    new CfnOutput(this, STACK_OUTPUTS.tableName, { value: this.table.tableName });
    new CfnOutput(this, STACK_OUTPUTS.erasureLedgerTableName, { value: this.erasureLedger.tableName });
    new CfnOutput(this, STACK_OUTPUTS.partnerKeysRequired, {
      description: 'Whether every call needs a partner key (npm run -s partner issues one where it does)',
      value: String(requireApiKey),
    });
    new CfnOutput(this, 'MeetingEventBusName', { value: this.changeNotifications.bus.eventBusName });
  }

  /** CDK's logical IDs, computed on the path without the FlatConstructs: the IDs the stack deployed with. */
  protected override allocateLogicalId(element: CfnElement): string {
    return super.allocateLogicalId({
      node: { scopes: namingScopes(element) },
      stack: element.stack,
    } as unknown as CfnElement);
  }
}
