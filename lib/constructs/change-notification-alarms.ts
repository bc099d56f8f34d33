import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface ChangeNotificationAlarmsProps {
  alarmTopic: sns.ITopic;
  deliveryDeadLetters: sqs.IQueue;
  pipeDeadLetters: sqs.IQueue;
  streamRecordsDeadLetters: sqs.IQueue;
  /** The pipes by the name their alarm carries. */
  pipes: Record<string, pipes.CfnPipe>;
}

/**
 * The alarms of change notifications, made in the scope of its construct (their logical ids are
 * the ones deployed): anything in a dead-letter queue, and any pipe failure, goes to the topic.
 */
export function changeNotificationAlarms(scope: Construct, props: ChangeNotificationAlarmsProps): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
    const created = new cloudwatch.Alarm(scope, alarmId, {
      metric,
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
    alarms.push(created);
  };
  const period = Duration.minutes(5);
  const visible = (queue: sqs.IQueue) =>
    queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
  alarm(
    'DeliveryDeadLettersAlarm',
    visible(props.deliveryDeadLetters),
    'Webhook events gave up after 24 hours of retries',
  );
  alarm(
    'PipeDeadLettersAlarm',
    visible(props.pipeDeadLetters),
    'Stream records a pipe gave up on after a day of retries',
  );
  alarm(
    'StreamRecordsDeadLettersAlarm',
    visible(props.streamRecordsDeadLetters),
    'Stream records the fan-out could not queue',
  );
  for (const [name, pipe] of Object.entries(props.pipes)) {
    alarm(
      `${name}FailuresAlarm`,
      new cloudwatch.Metric({
        namespace: 'AWS/EventBridge/Pipes',
        metricName: 'ExecutionFailed',
        dimensionsMap: { PipeName: pipe.ref },
        period,
        statistic: 'Sum',
      }),
      `The ${name} failed to process stream records`,
    );
  }
  return alarms;
}
