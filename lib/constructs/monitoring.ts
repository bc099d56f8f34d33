import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { TokenRejectionReason } from '../../shared/auth/token-verifier.js';
import type { ErrorCode } from '../../shared/generated/error-catalog.js';
import { AUTHORIZER_OPERATION, DIMENSION, METRIC, metricsNamespace, SERVICE_NAME } from '../../shared/metrics.js';
import { stageOf } from '../stage.js';
import { FlatConstruct } from './flat-construct.js';

export interface MonitoringProps {
  api: apigateway.RestApi;
  table: dynamodb.ITableV2;
  authorizerFunction: lambda.IFunction;
}

export const period = Duration.minutes(5);

/** The functions' own metrics (shared/metrics.ts) as CloudWatch holds them, for one stage's namespace. */
export const serviceMetrics =
  (namespace: string) =>
  (
    metricName: string,
    dimensions: Record<string, string>,
    props: Omit<cloudwatch.MetricProps, 'namespace' | 'metricName' | 'dimensionsMap'> = {},
  ) =>
    new cloudwatch.Metric({
      namespace,
      metricName,
      dimensionsMap: { [DIMENSION.service]: SERVICE_NAME, ...dimensions },
      period,
      statistic: 'Sum',
      ...props,
    });

/** DynamoDB operations the functions call, for the throttling alarm. */
const THROTTLE_WATCHED = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

/** Alarms on what users feel (5xx rate, p99 latency) and on their usual causes, to one encrypted topic. */
export class Monitoring extends FlatConstruct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** DynamoDB's throttled requests over every operation the functions use. */
  readonly throttledRequests: cloudwatch.IMetric;

  constructor(scope: Construct, id: string, { api, table, authorizerFunction }: MonitoringProps) {
    super(scope, id);
    // A key of the stack's own: CloudWatch publishes alarms to an encrypted topic only when the key's
    // policy lets it use the key, and the AWS managed key for SNS (alias/aws/sns) cannot be changed.
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
      removalPolicy: stageOf(this).removalPolicy,
    });
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true, masterKey: alarmKey });
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ period, statistic: 'Sum' }),
        requests: api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: '5xx rate (%)',
    });
    // SUM of the series, not CDK's a + b + ...: a sum of terms has no value where any term has none
    // (an operation that was never throttled), so the alarm would hardly ever see a value.
    this.throttledRequests = new cloudwatch.MathExpression({
      expression: `SUM([${THROTTLE_WATCHED.map((_, i) => `t${i}`).join(', ')}])`,
      usingMetrics: Object.fromEntries(
        THROTTLE_WATCHED.map((operation, i) => [
          `t${i}`,
          new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName: 'ThrottledRequests',
            dimensionsMap: { TableName: table.tableName, Operation: operation },
            period,
            statistic: 'Sum',
          }),
        ]),
      ),
      period,
      label: 'throttled requests, all operations',
    });
    const serviceMetric = serviceMetrics(metricsNamespace(stageOf(this).name));
    this.alarm('Api5xxRateAlarm', errorRate, 1, 'More than 1% of requests answered 5xx for 10 minutes');
    this.alarm(
      'ApiP99LatencyAlarm',
      api.metricLatency({ period, statistic: 'p99' }),
      2000,
      'p99 latency above 2 s for 10 minutes',
    );
    this.alarm(
      'AuthorizerErrorsAlarm',
      authorizerFunction.metricErrors({ period, statistic: 'Sum' }),
      0,
      'The token authorizer failed (500 to clients)',
    );
    this.alarm('DynamoDbThrottlingAlarm', this.throttledRequests, 0, 'DynamoDB throttled requests (503 to clients)');
    // From the functions' own metrics: causes the gateway's figures cannot tell apart.
    const errorsOf = (errorCode: ErrorCode) => serviceMetric(METRIC.errors, { [DIMENSION.errorCode]: errorCode });
    this.alarm(
      'UnexpectedErrorsAlarm',
      errorsOf('TECHNICAL_ERROR'),
      0,
      'A function answered 500 TECHNICAL_ERROR (an unexpected error: a bug until shown otherwise)',
      1,
    );
    this.alarm(
      'StorageUnavailableAlarm',
      errorsOf('SERVICE_UNAVAILABLE'),
      10,
      'More than 10 answers of 503 SERVICE_UNAVAILABLE (DynamoDB unreachable, throttling or past the write deadline) per 5 minutes for 10 minutes',
    );
    const keysUnavailable: TokenRejectionReason = 'keys-unavailable';
    this.alarm(
      'TokenKeysUnavailableAlarm',
      serviceMetric(METRIC.authorizerRejections, {
        [DIMENSION.operation]: AUTHORIZER_OPERATION,
        [DIMENSION.reason]: keysUnavailable,
      }),
      0,
      "The authorizer could not fetch the issuer's signing keys (JWKS): valid tokens are refused with 401",
      1,
    );
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /** Breaching 5-minute periods in a row (two unless one is enough), missing data as fine. */
  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string, periods = 2): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}
