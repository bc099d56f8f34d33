import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MeetingApiStack } from '../../lib/meeting-api-stack.js';
import { USAGE_PLAN_IDS_OUTPUT, USAGE_PLANS } from '../../shared/auth/api-keys.js';
import { MeetingNotFound } from '../../shared/domain/errors.js';
import { QUEUED_ERASURE_RECORDS } from '../../shared/dynamodb/dynamodb-erasure-repository.js';
import { INDEXES, TIME_TO_LIVE_ATTRIBUTE } from '../../shared/dynamodb/table-definition.js';
import { GATEWAY_RESPONSES } from '../../shared/http/gateway-responses.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { AUTHORIZER_OPERATION, metricsNamespace, OperationMetrics, SERVICE_NAME } from '../../shared/metrics.js';
import { routes } from '../../shared/routes.js';
import { STACK_OUTPUTS } from '../../shared/stack-outputs.js';
import { DELIVERY_MAX_RECEIVES } from '../../shared/webhooks/queue-messages.js';
import { projectApp } from '../support/cdk-app.js';

let template: Template;
let stack: MeetingApiStack;
let devTemplate: Template;

const env = { account: '111111111111', region: 'eu-north-1' };
beforeAll(() => {
  stack = new MeetingApiStack(projectApp({ stage: 'prod' }), 'TestStack', { env });
  template = Template.fromStack(stack);
  // The dev stage, the default; its functions' code does not matter here (no bundling).
  const devApp = projectApp({ 'aws:cdk:bundling-stacks': [] });
  devTemplate = Template.fromStack(
    new MeetingApiStack(devApp, 'DevStack', {
      env,
      customDomain: {
        domainName: 'meetings.example.com',
        certificateArn: 'arn:aws:acm:eu-north-1:111111111111:certificate/5f9b3a35-9c7a-4f0e-9c39-2f1f8c7a1b2c',
      },
    }),
  );
}, 180_000);

const resources = (type: string) => Object.entries(template.findResources(type));

/** Rebuild "METHOD /path" from the synthesized API Gateway resources. */
function synthesizedRoutes(): string[] {
  const byId = Object.fromEntries(resources('AWS::ApiGateway::Resource'));
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    if (!id || !byId[id]) return '';
    return `${pathOf(byId[id].Properties.ParentId)}/${byId[id].Properties.PathPart}`;
  };
  return resources('AWS::ApiGateway::Method')
    .filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS')
    .map(([, m]) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`)
    .sort();
}

interface Widget {
  type: string;
  properties: { title: string; alarms?: string[]; metrics?: unknown[] };
}

/** The dashboard's widgets: its body is JSON joined with references, each made a plain marker string. */
function dashboardWidgets(synthesized: Template): Widget[] {
  const [dashboard] = Object.values(synthesized.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }[];
  const json = dashboard!.Properties.DashboardBody['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/["\\]/g, '')}>`))
    .join('');
  return (JSON.parse(json) as { widgets: Widget[] }).widgets;
}

const shapeOf = (namespace: string, name: string, dimensions: string[]) =>
  `${namespace} ${name} {${[...dimensions].sort().join(',')}}`;

/** The (namespace, metric, dimension names) shapes real Powertools lines have, for each kind of metric. */
async function emittedShapes(namespace: string): Promise<string[]> {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', namespace);
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const event = {
      headers: { 'Request-ID': '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9' },
      requestContext: {
        authorizer: { tenantId: 't', subject: 'client-t', scopes: 'read', tokenValidUntil: String(Date.now()) },
      },
    };
    await apiHandler('getMeeting', () => Promise.reject(new MeetingNotFound('m')))(event as never, {} as never);
    new OperationMetrics('updateMeeting').statusTransition('WAITING', 'WON');
    new OperationMetrics(AUTHORIZER_OPERATION).authorizerRejection('keys-unavailable');
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  const shapes = lines
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const emf = JSON.parse(line) as {
        _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      };
      return emf._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Metrics.flatMap((metric) =>
          directive.Dimensions.map((set) => shapeOf(directive.Namespace, metric.Name, set)),
        ),
      );
    });
  // Requests, Latency, ColdStart, Errors twice, StatusTransitions, AuthorizerRejections.
  expect(new Set(shapes).size).toBe(7);
  return shapes;
}

describe('MeetingApiStack (prod stage)', () => {
  it('keeps the logical IDs it was deployed with (a changed ID replaces the resource: the table and pool with their data)', () => {
    const ids = (type: string) => Object.keys(template.findResources(type)).sort();
    expect(ids('AWS::DynamoDB::GlobalTable')).toEqual(['ErasureLedger791B9DFD', 'MeetingsTable00BD45B4']);
    expect(ids('AWS::Cognito::UserPool')).toEqual(['ClientPool94BF5D29']);
    expect(ids('AWS::Cognito::UserPoolClient')).toEqual(['ClientPoolDemoPartnerClientABC11F79']);
    expect(ids('AWS::Cognito::UserPoolDomain')).toEqual(['ClientPoolTokenDomain25A498CF']);
    expect(ids('AWS::ApiGateway::RestApi')).toEqual(['MeetingApiA82B44FB']);
    expect(ids('AWS::WAFv2::WebACL')).toEqual(['ApiWebAcl']);
    expect(ids('AWS::Lambda::Function')).toEqual(
      expect.arrayContaining([
        'AuthorizerFunctionB4DBAA43',
        'CreateMeetingFunctionE92C6381',
        'DeleteMeetingFunction9F611F6B',
        'GetMeetingFunction820B5867',
        'SearchMeetingsFunctionFB21A361',
        'UpdateMeetingFunction76612313',
      ]),
    );
  });

  it('has exactly the routes of the shared route table (the local gateway serves the same set)', () => {
    expect(synthesizedRoutes()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('puts the token authorizer on every method but the calendar feed, cached, identity source Authorization', () => {
    const open = routes.filter((route) => route.scope === 'none').map((route) => route.operationId);
    expect(open).toEqual(['getCalendar']);
    for (const [, method] of resources('AWS::ApiGateway::Method')) {
      if (open.includes(method.Properties.OperationName)) {
        // A calendar app sends no token: the feed's secret address is the credential.
        expect(method.Properties).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false });
        continue;
      }
      expect(method.Properties.AuthorizationType).toBe('CUSTOM');
      expect(method.Properties.AuthorizerId).toBeDefined();
    }
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('runs every function on nodejs24.x arm64 with tracing, explicit memory, timeout and log group', () => {
    const functions = resources('AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.Runtime !== undefined && !String(f.Properties.Handler).includes('framework'),
    );
    // One per route, the authorizer, the change notifications' enrichment, fan-out and delivery,
    // and the erasure worker.
    expect(functions.length).toBe(routes.length + 1 + 3 + 1);
    const searchFunction = stack.getLogicalId(stack.functions.searchMeetings!.node.defaultChild as never);
    const erasureWorker = stack.getLogicalId(stack.erasureWorker.function.node.defaultChild as never);
    for (const [logicalId, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        // Search gets a full vCPU for broad searches of a large tenant (docs/scaling.md).
        MemorySize: logicalId === searchFunction ? 1769 : 512,
        // The erasure worker runs as long as Lambda lets it, and hands on the rest.
        Timeout: logicalId === erasureWorker ? 900 : 20,
      });
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
    }
  });

  // Whether each role grants what its function calls is proven by running the functions as
  // deployed under their roles (test/api/iam-enforcement.test.ts, npm run iam:report), not here.

  it('creates the table from the shared definition: on demand, PITR, deletion protection, retained, tombstones expire', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TIME_TO_LIVE_ATTRIBUTE, Enabled: true },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
        GlobalSecondaryIndexes: Match.arrayWith(
          Object.keys(INDEXES).map((name) => Match.objectLike({ IndexName: name })),
        ),
      }),
    });
  });

  it('keeps the erasure ledger in a table of its own: PITR, retained, its stream feeding the worker', () => {
    const ledger = stack.getLogicalId(stack.erasureLedger.node.defaultChild as never);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      }),
    });
    const mapping = resources('AWS::Lambda::EventSourceMapping').find(
      ([, m]) =>
        JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [ledger, 'StreamArn'] }),
    );
    expect(mapping?.[1].Properties).toMatchObject({
      BatchSize: 1,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(QUEUED_ERASURE_RECORDS[0]) }] },
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [stack.getLogicalId(stack.erasureWorker.deadLetters.node.defaultChild as never), 'Arn'],
          },
        },
      },
    });
    // The status of an erasure reads the ledger only: no meetings table, no meeting.
    const getErasure = resources('AWS::Lambda::Function').find(([id]) => id.startsWith('GetErasureFunction'))!;
    expect(Object.keys(getErasure[1].Properties.Environment.Variables)).toContain('ERASURE_LEDGER_TABLE_NAME');
    expect(Object.keys(getErasure[1].Properties.Environment.Variables)).not.toContain('TABLE_NAME');
    template.hasOutput('ErasureLedgerTableName', { Value: { Ref: ledger } });
  });

  it('answers gateway errors in the house body with Request-ID echoed', () => {
    for (const [type, spec] of Object.entries(GATEWAY_RESPONSES)) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: String(spec.status),
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Request-ID': 'method.request.header.Request-ID',
        }),
        ResponseTemplates: { 'application/json': JSON.stringify(spec.body) },
      });
    }
  });

  it('gives every function its own role: no managed policies, logs only to its own log group', () => {
    for (const fn of [stack.authorizerFunction, ...Object.values(stack.functions)]) {
      const roleId = stack.getLogicalId(fn.role!.node.defaultChild as never);
      const role = template.findResources('AWS::IAM::Role')[roleId]!;
      expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
      const statements = resources('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap(
          ([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
        );
      const logs = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(JSON.stringify(logs[0]!.Resource)).toContain(stack.getLogicalId(fn.logGroup.node.defaultChild as never));
    }
  });

  it('alarms on 5xx rate, p99 latency, authorizer errors, DynamoDB throttling, dead letters (erasures too) and pipe failures, to an encrypted topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(13);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    // Encrypted with a key CloudWatch may use: with the AWS managed SNS key no alarm would ever be published.
    const [alarmKey] = Object.keys(
      template.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } }),
    ).filter((id) => id.startsWith('AlarmTopicKey'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [alarmKey, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it("alarms on the functions' own metrics: any TECHNICAL_ERROR, many SERVICE_UNAVAILABLE, unreachable token keys", () => {
    const alarmed = resources('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => alarm.Namespace === metricsNamespace('prod'))
      .map((alarm) => ({
        metric: alarm.MetricName as string,
        dimensions: Object.fromEntries(
          (alarm.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
        ),
        periods: alarm.EvaluationPeriods as number,
      }));
    expect(alarmed).toEqual(
      expect.arrayContaining([
        { metric: 'Errors', dimensions: { service: SERVICE_NAME, errorCode: 'TECHNICAL_ERROR' }, periods: 1 },
        { metric: 'Errors', dimensions: { service: SERVICE_NAME, errorCode: 'SERVICE_UNAVAILABLE' }, periods: 2 },
        {
          metric: 'AuthorizerRejections',
          dimensions: { service: SERVICE_NAME, operation: 'authorize', reason: 'keys-unavailable' },
          periods: 1,
        },
      ]),
    );
  });

  it("reads the functions' metrics exactly as Powertools writes them (namespace, name, dimension names)", async () => {
    const emitted = await emittedShapes(metricsNamespace('prod'));
    const read: string[] = [];
    for (const [, alarm] of resources('AWS::CloudWatch::Alarm')) {
      const { Namespace, MetricName, Dimensions } = alarm.Properties;
      if (Namespace === metricsNamespace('prod'))
        read.push(
          shapeOf(
            Namespace,
            MetricName,
            (Dimensions as { Name: string }[]).map((d) => d.Name),
          ),
        );
    }
    for (const widget of dashboardWidgets(template)) {
      for (const line of (widget.properties.metrics ?? []) as unknown[][]) {
        const [first, name, ...rest] = line;
        if (first === metricsNamespace('prod')) {
          // ["MeetingApi/prod", "Latency", "operation", "getMeeting", "service", "meeting-api", {...}]
          const names = rest.filter((part, i) => i % 2 === 0 && typeof part === 'string') as string[];
          read.push(shapeOf(first, name as string, names));
        }
        const search = /SEARCH\('\{([^}]*)\}.*MetricName="(\w+)"/.exec(
          (first as { expression?: string })?.expression ?? '',
        );
        if (search) {
          const [searched, ...names] = search[1]!.replaceAll('"', '').split(',');
          read.push(shapeOf(searched!, search[2]!, names));
        }
      }
    }
    // 3 alarms; per operation: requests and 3 latency lines; 4 searches.
    expect(read.length).toBeGreaterThanOrEqual(3 + routes.length * 4 + 4);
    for (const shape of read) expect(emitted, shape).toContain(shape);
  });

  it('has a dashboard: gateway traffic, errors by code, latency percentiles per operation, rejections, DynamoDB, transitions, alarms', () => {
    const body = { widgets: dashboardWidgets(template) };
    const graph = (title: RegExp) => {
      const found = body.widgets.find((w) => w.type === 'metric' && title.test(w.properties.title));
      expect(found, String(title)).toBeDefined();
      return JSON.stringify(found!.properties.metrics);
    };
    expect(graph(/^Requests at the gateway/)).toMatch(/"Count".*"4XXError".*"5XXError"/);
    expect(graph(/^Error answers by errorCode/)).toMatch(/errorCode.*MetricName=\\"Errors\\"/);
    for (const statistic of ['p50', 'p95', 'p99']) {
      const latency = graph(new RegExp(`^Latency ${statistic} by operation`));
      for (const route of routes) expect(latency).toContain(`"${route.operationId}"`);
      expect(latency).toContain(`"stat":"${statistic}"`);
    }
    expect(graph(/^Authorizer refusals/)).toContain('AuthorizerRejections');
    expect(graph(/^DynamoDB consumed/)).toMatch(/ConsumedReadCapacityUnits.*ConsumedWriteCapacityUnits/);
    expect(graph(/^DynamoDB throttled/)).toContain('ThrottledRequests');
    expect(graph(/^Status transitions/)).toContain('StatusTransitions');
    const alarmWidget = body.widgets.find((w) => w.type === 'alarm')!;
    const shown = alarmWidget.properties.alarms!.map((arn) => /Fn::GetAtt:\[([^,]+),/.exec(arn)?.[1]);
    expect(shown.sort()).toEqual(
      resources('AWS::CloudWatch::Alarm')
        .map(([id]) => id)
        .sort(),
    );
  });
  it('has the change notifications: the table stream, both pipes, the bus, FIFO queues with dead-letter queues', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const pipes = resources('AWS::Pipes::Pipe');
    expect(pipes).toHaveLength(2);
    for (const [, pipe] of pipes) {
      expect(pipe.Properties.SourceParameters.FilterCriteria.Filters[0].Pattern).toContain('"MEETING"');
      expect(pipe.Properties.SourceParameters.FilterCriteria.Filters[0].Pattern).toContain('"INSERT","MODIFY"');
      expect(pipe.Properties.SourceParameters.DynamoDBStreamParameters).toMatchObject({
        OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/PipeDeadLetters/), 'Arn'] } },
      });
    }
    // Five of change notifications, and the erasure worker's on-failure queue.
    const queues = resources('AWS::SQS::Queue');
    expect(queues).toHaveLength(6);
    for (const [, queue] of queues) expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(queues.filter(([, queue]) => queue.Properties.FifoQueue)).toHaveLength(4);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: DELIVERY_MAX_RECEIVES }),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      TargetParameters: {
        SqsQueueParameters: { MessageGroupId: '$.dynamodb.NewImage.meetingId.S', MessageDeduplicationId: '$.eventID' },
      },
    });
  });

  it('puts a WAF web ACL with a rate limit in front of the stage, answering in the house body', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RatePerClientIp',
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) },
        }),
      ]),
      CustomResponseBodies: Match.objectLike({
        throttled: { ContentType: 'APPLICATION_JSON', Content: Match.stringLikeRegexp('SERVICE_UNAVAILABLE') },
      }),
    });
  });

  it('enables X-Ray, throttling and JSON access logs on the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })]),
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
  });
});

describe('stages', () => {
  it('prod keeps its data: the table retained with deletion protection and PITR, the user pool retained, logs 3 months', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    for (const [, logGroup] of resources('AWS::Logs::LogGroup')) {
      expect(logGroup.Properties.RetentionInDays).toBe(90);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });

  it('dev may be destroyed whole: nothing of its own retained, no deletion protection, logs a week; PITR still on', () => {
    devTemplate.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: false,
          }),
        ],
      }),
    });
    // Only API Gateway's account-wide logging role stays (CDK's default): other APIs of the account may rely on it.
    const resourcesOfDev = devTemplate.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>;
    const retained = Object.values(resourcesOfDev)
      .filter((resource) => resource.DeletionPolicy === 'Retain')
      .map((resource) => resource.Type)
      .sort();
    expect(retained).toEqual(['AWS::ApiGateway::Account', 'AWS::IAM::Role']);
    for (const [, logGroup] of Object.entries(devTemplate.findResources('AWS::Logs::LogGroup')))
      expect(logGroup.Properties.RetentionInDays).toBe(7);
  });

  it('names carry the stage: the API, the dashboard, the Cognito domain', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'meeting-api-prod' });
    devTemplate.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'meeting-api-dev' });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'meeting-api-prod-eu-north-1' });
    devTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'meeting-api-dev-eu-north-1' });
    devTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'meeting-api-dev-111111111111' });
  });

  it('refuses an unknown stage', () => {
    expect(() => new MeetingApiStack(projectApp({ stage: 'staging' }), 'Bad', { env })).toThrow(
      /-c stage must be one of dev, prod; got "staging"/,
    );
  });

  it('serves a custom domain when given one: regional, TLS 1.2, mapped to the stage at its root', () => {
    devTemplate.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'meetings.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
      RegionalCertificateArn: Match.stringLikeRegexp('^arn:aws:acm:eu-north-1:'),
    });
    devTemplate.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { Stage: Match.anyValue() });
    // The output docs/operations.md's `out CustomDomainTarget` reads, under that very key.
    devTemplate.hasOutput('CustomDomainTarget', {});
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
  });
});

describe('partner keys (-c requireApiKey=true)', () => {
  let keyed: Template;
  beforeAll(() => {
    keyed = Template.fromStack(
      new MeetingApiStack(projectApp({ 'aws:cdk:bundling-stacks': [] }), 'KeyedStack', { env, requireApiKey: true }),
    );
  }, 120_000);

  it('has a usage plan per plan of shared/auth/api-keys.ts on the stage, and outputs their ids', () => {
    const plans = Object.values(keyed.findResources('AWS::ApiGateway::UsagePlan'));
    expect(plans).toHaveLength(Object.keys(USAGE_PLANS).length);
    for (const [name, plan] of Object.entries(USAGE_PLANS)) {
      keyed.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: `meeting-api-dev-${name}`,
        Throttle: { RateLimit: plan.rateLimit, BurstLimit: plan.burstLimit },
        Quota: { Limit: plan.dailyQuota, Period: 'DAY' },
        ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
      });
    }
    // What npm run api-key -- --stack reads: each plan name to its usage plan's id.
    const planIds = Object.keys(keyed.findResources('AWS::ApiGateway::UsagePlan'));
    const output = JSON.stringify(keyed.findOutputs(USAGE_PLAN_IDS_OUTPUT)[USAGE_PLAN_IDS_OUTPUT]!.Value);
    for (const name of Object.keys(USAGE_PLANS)) expect(output).toMatch(new RegExp(`\\\\"${name}\\\\":\\\\"`));
    for (const id of planIds) expect(output).toContain(`{"Ref":"${id}"}`);
    // Without keys required the plans are there too: turning keys off and on keeps every key bound.
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', Object.keys(USAGE_PLANS).length);
  });

  it('takes the key from the authorizer, which reads x-api-key uncached; every method but the calendar feed needs one', () => {
    keyed.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    for (const [, method] of Object.entries(keyed.findResources('AWS::ApiGateway::Method')))
      if (method.Properties.HttpMethod !== 'OPTIONS')
        expect(method.Properties.ApiKeyRequired).toBe(method.Properties.OperationName !== 'getCalendar');
    keyed.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 0,
    });
    keyed.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REQUIRE_API_KEY: 'true' }) },
    });
    // What npm run -s partner reads to decide whether a partner gets a key.
    keyed.hasOutput(STACK_OUTPUTS.partnerKeysRequired, { Value: 'true' });
    template.hasOutput(STACK_OUTPUTS.partnerKeysRequired, { Value: 'false' });
    // Without -c requireApiKey: header keys, none required, decisions cached.
    for (const [, method] of Object.entries(template.findResources('AWS::ApiGateway::Method')))
      expect(method.Properties.ApiKeyRequired ?? false).toBe(false);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 300 });
  });

  it('answers a bad key 404 INVALID_API_KEY and a spent quota 503 with Retry-After, in the house body', () => {
    keyed.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'INVALID_API_KEY',
      StatusCode: '404',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"errorCode":"INVALID_API_KEY"') },
    });
    keyed.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'QUOTA_EXCEEDED',
      StatusCode: '503',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': Match.anyValue() }),
    });
  });
});
