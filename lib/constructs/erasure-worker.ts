import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUED_ERASURE_RECORDS } from '../../shared/dynamodb/dynamodb-erasure-repository.js';
import { ERASURE_LEDGER_ACCESS, ERASURE_WORK } from '../table-access.js';
import { ServiceFunction } from './service-function.js';

export interface ErasureWorkerProps {
  table: dynamodb.ITableV2;
  erasureLedger: dynamodb.TableV2;
  alarmTopic: sns.ITopic;
}

/**
 * Carries out the erasures of parties named in many meetings (contract-history-privacy.md: within
 * the hour), fed by the erasure ledger's stream: recording a queued erasure is what queues it, so
 * no erasure can be recorded and then lost between two services. A run that nears its timeout
 * records its progress in the ledger, and that write feeds the next run (ledger stream ->
 * carry-out-erasures). A record that keeps failing is retried, then described in a dead-letter
 * queue, which alarms.
 */
export class ErasureWorker extends Construct {
  readonly function: lambda.IFunction;
  readonly deadLetters: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, { table, erasureLedger, alarmTopic }: ErasureWorkerProps) {
    super(scope, id);
    const worker = new ServiceFunction(this, 'CarryOutErasures', {
      name: 'carry-out-erasures',
      tables: [
        { table, variable: 'TABLE_NAME', access: ERASURE_WORK },
        {
          table: erasureLedger,
          variable: 'ERASURE_LEDGER_TABLE_NAME',
          access: { table: [...ERASURE_LEDGER_ACCESS.worker], indexes: {} },
        },
      ],
      // Lambda's longest run: a run hands on what is left before it ends (shared/use-cases).
      timeout: Duration.minutes(15),
    }).function;
    this.function = worker;

    this.deadLetters = new sqs.Queue(this, 'ErasureDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    worker.addEventSource(
      new lambdaEventSources.DynamoEventSource(erasureLedger, {
        // From the oldest record the stream holds: an erasure recorded while the mapping was
        // being created is not skipped.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 1,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new lambdaEventSources.SqsDlq(this.deadLetters),
        filters: QUEUED_ERASURE_RECORDS.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      }),
    );

    const alarm = new cloudwatch.Alarm(this, 'ErasureDeadLettersAlarm', {
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'An erasure the worker gave up on: it is still PENDING (see docs/operations.md)',
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));
    this.alarms = [alarm];
  }
}
