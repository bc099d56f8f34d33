/**
 * Reference webhook delivery (SQS event source, batch size 1): each message names a subscription
 * and carries an event; the subscription is read (one GetCommand: the message holds no address)
 * and the event POSTed with plain `fetch` to its url, a failed one reported in the partial batch
 * response. No signature, no URL check, no erasure check.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

const docClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = JSON.parse(record.body) as { subscriptionId: string; event: { tenantid: string } };
    const { Item } = await docClient.send(
      new GetCommand({
        TableName: process.env.TABLE_NAME,
        Key: {
          pk: `TENANT#${message.event.tenantid}#SUBSCRIPTIONS`,
          sk: `SUBSCRIPTION#${message.subscriptionId}`,
        },
      }),
    );
    if (!Item) continue;
    const response = await fetch(Item.url as string, {
      method: 'POST',
      headers: { 'Content-Type': 'application/cloudevents+json' },
      body: JSON.stringify(message.event),
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
    if (!response?.ok) failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
};
