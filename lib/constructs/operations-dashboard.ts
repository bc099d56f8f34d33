import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { INDEXES } from '../../shared/dynamodb/table-definition.js';
import { AUTHORIZER_OPERATION, DIMENSION, METRIC, metricsNamespace, SERVICE_NAME } from '../../shared/metrics.js';
import { routes } from '../../shared/routes.js';
import { stageOf } from '../stage.js';
import { period, serviceMetrics } from './monitoring.js';

export interface OperationsDashboardProps {
  dashboardName: string;
  api: apigateway.RestApi;
  table: dynamodb.ITableV2;
  throttledRequests: cloudwatch.IMetric;
  alarms: cloudwatch.IAlarm[];
}

const WIDE = 24;
const THIRD = 8;

/**
 * Every series of one of the functions' metrics with exactly these dimensions, whatever their
 * values (a dashboard can SEARCH; an alarm cannot).
 */
const everySeries = (
  namespace: string,
  metricName: string,
  dimensions: string[],
  label: string,
  operation?: string,
) => {
  const schema = [namespace, DIMENSION.service, ...dimensions].map((name) => `"${name}"`).join(',');
  const onlyOperation = operation ? ` ${DIMENSION.operation}="${operation}"` : '';
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} ${DIMENSION.service}="${SERVICE_NAME}"${onlyOperation} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
    label,
  });
};

/**
 * One page for whoever runs the API: traffic and errors as clients see them (the gateway) and as
 * the functions answer them (by operation and errorCode), latency percentiles per operation,
 * token rejections, DynamoDB capacity and throttling, status transitions, and every alarm.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    { dashboardName, api, table, throttledRequests, alarms }: OperationsDashboardProps,
  ) {
    super(scope, id);
    const namespace = metricsNamespace(stageOf(this).name);
    const serviceMetric = serviceMetrics(namespace);
    const latencyByOperation = (statistic: string) =>
      new cloudwatch.GraphWidget({
        title: `Latency ${statistic} by operation (ms, in the function)`,
        width: THIRD,
        left: routes.map((route) =>
          serviceMetric(
            METRIC.latency,
            { [DIMENSION.operation]: route.operationId },
            { statistic, label: route.operationId },
          ),
        ),
        leftYAxis: { min: 0 },
      });
    /** Each index's consumed units: writes to an index come on top of the table's, and search reads indexes. */
    const indexCapacity = (metricName: string) =>
      Object.keys(INDEXES).map(
        (index) =>
          new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName,
            dimensionsMap: { TableName: table.tableName, GlobalSecondaryIndexName: index },
            period,
            statistic: 'Sum',
            label: index,
          }),
      );
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: WIDE, height: 3 }));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests at the gateway, and 4xx / 5xx',
        width: THIRD,
        left: [api.metricCount({ period, statistic: 'Sum', label: 'requests' })],
        right: [
          api.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          api.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Requests answered, by operation',
        width: THIRD,
        stacked: true,
        left: routes.map((route) =>
          serviceMetric(METRIC.requests, { [DIMENSION.operation]: route.operationId }, { label: route.operationId }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Error answers by errorCode and operation',
        width: THIRD,
        stacked: true,
        left: [everySeries(namespace, METRIC.errors, [DIMENSION.errorCode, DIMENSION.operation], 'errors')],
      }),
    );
    this.dashboard.addWidgets(latencyByOperation('p50'), latencyByOperation('p95'), latencyByOperation('p99'));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Latency at the gateway (ms)',
        width: THIRD,
        left: ['p50', 'p95', 'p99'].map((statistic) => api.metricLatency({ period, statistic, label: statistic })),
        leftYAxis: { min: 0 },
      }),
      new cloudwatch.GraphWidget({
        title: 'Authorizer refusals by reason (tokens: 401; api-key: 404)',
        width: THIRD,
        stacked: true,
        left: [
          everySeries(
            namespace,
            METRIC.authorizerRejections,
            [DIMENSION.operation, DIMENSION.reason],
            'rejections',
            AUTHORIZER_OPERATION,
          ),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Cold starts by operation',
        width: THIRD,
        stacked: true,
        left: [everySeries(namespace, METRIC.coldStart, [DIMENSION.operation], 'cold starts')],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed capacity (units per 5 min)',
        width: THIRD,
        left: [
          table.metricConsumedReadCapacityUnits({ period, statistic: 'Sum', label: 'read' }),
          table.metricConsumedWriteCapacityUnits({ period, statistic: 'Sum', label: 'write' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB throttled requests',
        width: THIRD,
        left: [throttledRequests],
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB index consumed read units',
        width: THIRD,
        stacked: true,
        left: indexCapacity('ConsumedReadCapacityUnits'),
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB index consumed write units',
        width: THIRD,
        stacked: true,
        left: indexCapacity('ConsumedWriteCapacityUnits'),
      }),
      new cloudwatch.GraphWidget({
        title: 'Status transitions (WAITING->WON, ...)',
        width: THIRD,
        stacked: true,
        left: [
          everySeries(namespace, METRIC.statusTransitions, [DIMENSION.operation, DIMENSION.transition], 'transitions'),
        ],
      }),
    );
  }
}
