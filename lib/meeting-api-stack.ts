import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { productionBundling } from './bundling/production-bundling.js';
import { TABLE_ACCESS } from '../shared/dynamodb/table-access.js';
import { INDEXES, SEARCH_ENTRY_ATTRIBUTES, TABLE_KEY } from '../shared/dynamodb/table-definition.js';
import { GATEWAY_RESPONSES } from '../shared/http/gateway-responses.js';
import { AUTHORIZER_RESULT_TTL_SECONDS, routes } from '../shared/routes.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Settings of an external token issuer; without them the stack creates a Cognito user pool. */
export interface ExternalIssuer {
  issuer: string;
  jwksUri: string;
  /** Comma-separated audiences, or * to not check aud. */
  audience: string;
  tenantClaim?: string;
  readScope?: string;
  writeScope?: string;
}

export interface MeetingApiStackProps extends StackProps {
  externalIssuer?: ExternalIssuer;
}

const string = (value: string) => ({ type: dynamodb.AttributeType.STRING, name: value }) as dynamodb.Attribute;

export class MeetingApiStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly api: apigateway.RestApi;
  readonly functions: Record<string, NodejsFunction> = {};
  readonly authorizerFunction: NodejsFunction;
  readonly userPool?: cognito.UserPool;

  constructor(scope: Construct, id: string, props: MeetingApiStackProps = {}) {
    super(scope, id, props);

    this.table = new dynamodb.TableV2(this, 'MeetingsTable', {
      partitionKey: string(TABLE_KEY.partitionKey),
      sortKey: string(TABLE_KEY.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: Object.entries(INDEXES).map(([indexName, index]) => ({
        indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...SEARCH_ENTRY_ATTRIBUTES],
      })),
    });

    let auth: Record<string, string>;
    if (props.externalIssuer) auth = this.externalAuthEnvironment(props.externalIssuer);
    else ({ auth, pool: this.userPool } = this.cognitoAuthEnvironment());
    const authorizerFunction = this.lambdaFunction('authorizer', auth);
    this.authorizerFunction = authorizerFunction;
    const authorizer = new apigateway.RequestAuthorizer(this, 'TokenAuthorizer', {
      handler: authorizerFunction,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_RESULT_TTL_SECONDS),
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.api = new apigateway.RestApi(this, 'MeetingApi', {
      restApiName: 'meeting-api',
      description: 'Meeting API 1.0',
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });

    for (const [type, spec] of Object.entries(GATEWAY_RESPONSES)) {
      this.api.addGatewayResponse(`Gateway${type}`, {
        type: apigateway.ResponseType.of(type),
        statusCode: String(spec.status),
        responseHeaders: {
          'Request-ID': 'method.request.header.Request-ID',
          'Content-Type': "'application/json'",
          ...Object.fromEntries(Object.entries('headers' in spec ? spec.headers : {}).map(([name, value]) => [name, `'${value}'`])),
        },
        templates: { 'application/json': JSON.stringify(spec.body) },
      });
    }

    for (const route of routes) {
      const fn = this.lambdaFunction(route.functionName, { TABLE_NAME: this.table.tableName });
      this.grantTableAccess(fn, route.operationId);
      this.functions[route.operationId] = fn;
      this.api.root.resourceForPath(route.path).addMethod(route.method, new apigateway.LambdaIntegration(fn), {
        authorizer,
        authorizationType: apigateway.AuthorizationType.CUSTOM,
        operationName: route.operationId,
        // Declared so gateway responses can echo it; the handler validates it (after the token, per contract).
        requestParameters: { 'method.request.header.Request-ID': false },
      });
    }

    this.protectWithWaf();
    this.addAlarms();

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  private lambdaFunction(name: string, environment: Record<string, string>): NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${name}-logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    // Its own role, writing only to its own log group (instead of AWSLambdaBasicExecutionRole's logs:* on *).
    const role = new iam.Role(this, `${name}-role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const fn = new NodejsFunction(this, `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Function`, {
      role,
      entry: join(projectRoot, 'functions', name, 'handler.ts'),
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Room for the bounded retries of shared/dynamodb/document-client.ts (a failing call gives up
      // within 3 x (0.5 s + 2 s) plus the SDK's backoff) after the calls that preceded it;
      // API Gateway waits 29 s.
      timeout: Duration.seconds(20),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      // No --enable-source-maps: it parses the bundle's map at every cold start (+20 ms measured with
      // bench:coldstart on the ~1 MB maps of the SDK bundles). The maps ship in the asset for
      // symbolicating a logged stack offline.
      environment: { POWERTOOLS_SERVICE_NAME: 'meeting-api', POWERTOOLS_LOG_LEVEL: 'INFO', ...environment },
      bundling: productionBundling(),
    });
    return fn;
  }

  private grantTableAccess(fn: NodejsFunction, operationId: keyof typeof TABLE_ACCESS) {
    const access = TABLE_ACCESS[operationId];
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: access.table, resources: [this.table.tableArn] }));
    for (const [index, actions] of Object.entries(access.indexes)) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [`${this.table.tableArn}/index/${index}`] }));
    }
  }

  private externalAuthEnvironment(issuer: ExternalIssuer): Record<string, string> {
    return {
      JWT_ISSUER: issuer.issuer,
      JWT_JWKS_URI: issuer.jwksUri,
      JWT_AUDIENCE: issuer.audience,
      JWT_TENANT_CLAIM: issuer.tenantClaim ?? 'tenant_id',
      JWT_READ_SCOPE: issuer.readScope ?? 'meetings/read',
      JWT_WRITE_SCOPE: issuer.writeScope ?? 'meetings/write',
    };
  }

  /**
   * No external issuer: a Cognito user pool issues client-credentials tokens. Each partner system
   * is an app client and its client_id is its tenant (Cognito access tokens carry no aud).
   */
  private cognitoAuthEnvironment(): { auth: Record<string, string>; pool: cognito.UserPool } {
    const pool = new cognito.UserPool(this, 'ClientPool', {
      selfSignUpEnabled: false,
      removalPolicy: RemovalPolicy.RETAIN,
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
    });
    const read = new cognito.ResourceServerScope({ scopeName: 'read', scopeDescription: 'Read and search meetings' });
    const write = new cognito.ResourceServerScope({ scopeName: 'write', scopeDescription: 'Create, update and delete meetings' });
    const server = pool.addResourceServer('MeetingsResourceServer', { identifier: 'meetings', scopes: [read, write] });
    const client = pool.addClient('DemoPartnerClient', {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: [cognito.OAuthScope.resourceServer(server, read), cognito.OAuthScope.resourceServer(server, write)] },
      accessTokenValidity: Duration.minutes(15),
    });
    const domain = pool.addDomain('TokenDomain', { cognitoDomain: { domainPrefix: `meeting-api-${this.account}`.replace(/[^a-z0-9-]/g, '').slice(0, 60) } });
    new CfnOutput(this, 'TokenUrl', { value: `${domain.baseUrl()}/oauth2/token` });
    new CfnOutput(this, 'DemoClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`;
    const auth = {
      JWT_ISSUER: issuer,
      JWT_JWKS_URI: `${issuer}/.well-known/jwks.json`,
      JWT_AUDIENCE: '*',
      JWT_TENANT_CLAIM: 'client_id',
      JWT_READ_SCOPE: 'meetings/read',
      JWT_WRITE_SCOPE: 'meetings/write',
    };
    return { auth, pool };
  }

  /**
   * A web ACL in front of the stage: per-client-IP rate limit and AWS's known-bad-input and IP
   * reputation rules. Its answers use the house error body (WAF cannot echo Request-ID).
   */
  private protectWithWaf(): void {
    const body = (errorCode: string, message: string) => ({ contentType: 'APPLICATION_JSON', content: JSON.stringify({ errorCode, message }) });
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    const acl = new wafv2.CfnWebACL(this, 'ApiWebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'meeting-api', sampledRequestsEnabled: true },
      customResponseBodies: {
        forbidden: body('FORBIDDEN', 'The request was refused.'),
        throttled: body('SERVICE_UNAVAILABLE', 'Service is unavailable.'),
      },
      rules: [
        {
          name: 'RatePerClientIp',
          priority: 0,
          action: { block: { customResponse: { responseCode: 503, customResponseBodyKey: 'throttled', responseHeaders: [{ name: 'Retry-After', value: '60' }] } } },
          statement: { rateBasedStatement: { limit: 3000, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RatePerClientIp', sampledRequestsEnabled: true },
        },
        managed('AWSManagedRulesAmazonIpReputationList', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'ApiWebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: acl.attrArn });
  }

  /** Alarms on what users feel (5xx rate, p99 latency) and on their usual causes. */
  private addAlarms(): void {
    const topic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns') });
    const period = Duration.minutes(5);
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: this.api.metricServerError({ period, statistic: 'Sum' }), requests: this.api.metricCount({ period, statistic: 'Sum' }) },
      period,
      label: '5xx rate (%)',
    });
    const throttled = this.table.metricThrottledRequestsForOperations({
      operations: [
        dynamodb.Operation.GET_ITEM,
        dynamodb.Operation.PUT_ITEM,
        dynamodb.Operation.DELETE_ITEM,
        dynamodb.Operation.QUERY,
        dynamodb.Operation.BATCH_GET_ITEM,
        dynamodb.Operation.TRANSACT_WRITE_ITEMS,
      ],
      period,
    });
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    };
    alarm('Api5xxRateAlarm', errorRate, 1, 'More than 1% of requests answered 5xx for 10 minutes');
    alarm('ApiP99LatencyAlarm', this.api.metricLatency({ period, statistic: 'p99' }), 2000, 'p99 latency above 2 s for 10 minutes');
    alarm('AuthorizerErrorsAlarm', this.authorizerFunction.metricErrors({ period, statistic: 'Sum' }), 0, 'The token authorizer failed (500 to clients)');
    alarm('DynamoDbThrottlingAlarm', throttled, 0, 'DynamoDB throttled requests (503 to clients)');
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn });
  }
}
