/**
 * What bench:coldstart's queue-fed functions call besides DynamoDB Local: a receiving endpoint
 * that speaks SQS's JSON protocol for SendMessageBatch and ChangeMessageVisibility (it keeps
 * nothing: the bench only needs the calls answered as SQS answers them), and a webhook receiver
 * that answers every POST 204. Ours and the references reach the same endpoints, so both pay the same.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalEndpoints {
  /** For AWS_ENDPOINT_URL_SQS. */
  sqsEndpoint: string;
  /** A queue URL on the stand-in. */
  queueUrl(name: string): string;
  /** The webhook receiver's URL. */
  webhookUrl: string;
  /** Messages the stand-in was sent and webhooks the receiver got, so far. */
  counts: { messages: number; webhooks: number };
  close(): Promise<void>;
}

const bodyOf = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

type Entry = { Id: string; MessageBody: string };

/** SQS's answers to the calls the functions make; the SDK checks each message body's MD5. */
const SQS_ACTIONS: Record<string, (input: Record<string, unknown>, counts: LocalEndpoints['counts']) => unknown> = {
  SendMessageBatch: (input, counts) => {
    const entries = (input.Entries as Entry[] | undefined) ?? [];
    counts.messages += entries.length;
    return {
      Successful: entries.map((entry) => ({
        Id: entry.Id,
        MessageId: randomUUID(),
        MD5OfMessageBody: md5(entry.MessageBody),
        SequenceNumber: String(Date.now()).padStart(20, '0'),
      })),
      Failed: [],
    };
  },
  ChangeMessageVisibility: () => ({}),
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startLocalEndpoints(): Promise<LocalEndpoints> {
  const counts = { messages: 0, webhooks: 0 };
  const sqs = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      const action = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
      const answer = SQS_ACTIONS[action];
      const [status, payload] = answer
        ? [200, answer(JSON.parse(body || '{}') as Record<string, unknown>, counts)]
        : [400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `not served here: ${action}` }];
      response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' }).end(JSON.stringify(payload));
    });
  });
  const webhooks = createServer((request, response) => {
    void bodyOf(request).then(() => {
      if (request.method === 'POST') counts.webhooks++;
      response.writeHead(request.method === 'POST' ? 204 : 405).end();
    });
  });
  const sqsEndpoint = await listen(sqs);
  const webhookUrl = `${await listen(webhooks)}/webhooks`;
  return {
    sqsEndpoint,
    queueUrl: (name) => `${sqsEndpoint}/111111111111/${name}`,
    webhookUrl,
    counts,
    close: async () => {
      sqs.closeAllConnections();
      webhooks.closeAllConnections();
      await Promise.all([sqs, webhooks].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
