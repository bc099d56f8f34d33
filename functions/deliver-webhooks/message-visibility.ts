/**
 * The one SQS call of the delivery function: how long a failed message stays invisible. Its own
 * module, imported on the first failure, so that a delivery that succeeds never loads the client.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';

const sqs = new SQSClient({});

export async function changeMessageVisibility(queueUrl: string, receiptHandle: string, seconds: number) {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}
