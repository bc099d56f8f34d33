import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { FlatConstruct } from './flat-construct.js';

export interface MonitoringProps {
  api: apigateway.RestApi;
  table: dynamodb.ITableV2;
  authorizerFunction: lambda.IFunction;
}

const period = Duration.minutes(5);

/** Alarms on what users feel (5xx rate, p99 latency) and on their usual causes, to one encrypted topic. */
export class Monitoring extends FlatConstruct {
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, { api, table, authorizerFunction }: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ period, statistic: 'Sum' }),
        requests: api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: '5xx rate (%)',
    });
    const throttled = table.metricThrottledRequestsForOperations({
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
    this.alarm('DynamoDbThrottlingAlarm', throttled, 0, 'DynamoDB throttled requests (503 to clients)');
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /** Two breaching 5-minute periods in a row, missing data as fine. */
  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
  }
}
