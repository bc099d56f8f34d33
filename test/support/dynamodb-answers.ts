import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/core/protocols';

/** An error answer as DynamoDB sends it over its JSON protocol, for injecting below the SDK's retries. */
export const dynamoDbErrorAnswer = (
  statusCode: number,
  type: string,
  fields: Record<string, unknown> = { message: 'injected' },
): HttpResponse =>
  new HttpResponse({
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'INJECTED' },
    body: Readable.from([
      Buffer.from(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...fields })),
    ]),
  });

/** What the SDK's NodeHttpHandler throws when an answer does not come in time. */
export const timeoutError = (message: string): Error => Object.assign(new Error(message), { name: 'TimeoutError' });
