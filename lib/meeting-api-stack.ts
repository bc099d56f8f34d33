import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
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

    const auth = props.externalIssuer ? this.externalAuthEnvironment(props.externalIssuer) : this.cognitoAuthEnvironment();
    const authorizerFunction = this.lambdaFunction('authorizer', auth);
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

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  private lambdaFunction(name: string, environment: Record<string, string>): NodejsFunction {
    const fn = new NodejsFunction(this, `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Function`, {
      entry: join(projectRoot, 'functions', name, 'handler.ts'),
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, `${name}-logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY }),
      // No --enable-source-maps: it parses each ~1 MB map at every cold start (+20 ms measured with
      // bench:coldstart). The maps ship in the asset for symbolicating a logged stack offline.
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
  private cognitoAuthEnvironment(): Record<string, string> {
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
    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`;
    return {
      JWT_ISSUER: issuer,
      JWT_JWKS_URI: `${issuer}/.well-known/jwks.json`,
      JWT_AUDIENCE: '*',
      JWT_TENANT_CLAIM: 'client_id',
      JWT_READ_SCOPE: 'meetings/read',
      JWT_WRITE_SCOPE: 'meetings/write',
    };
  }
}
