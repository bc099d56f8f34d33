/**
 * Injected storage faults at each step of each operation, through the whole HTTP path (local
 * gateway, handlers, adapter, DynamoDB Local). A fault is injected by a middleware on the runtime
 * DynamoDB client's own stack, in its deserialize step below the SDK's retry layer, as the raw HTTP
 * answer DynamoDB would give (or no answer at all), so the SDK's error parsing and retries really
 * happen: retries stay bounded (at most 3 attempts), the API answers 503 with Retry-After
 * (throttling, 5xx, timeout) or 500 (anything else) in the house format, and the table shows no
 * partial write afterwards.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/composition.js';
import { readStorageConfig } from '../../shared/config.js';
import type { Meeting } from '../../shared/domain/meeting.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { meetingKey } from '../../shared/dynamodb/keys.js';
import { SHARD_COUNT } from '../../shared/dynamodb/table-definition.js';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';
import { dynamoDbErrorAnswer, timeoutError } from '../support/dynamodb-answers.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant, { inProcess: true });
const config = readStorageConfig();
const sdk = sdkDocumentClient(config);

type FaultKind = 'throttling' | 'server-error' | 'timeout' | 'cancelled-validation' | 'lost-response';
const FAULTS: Record<
  FaultKind,
  { inject: () => HttpResponse; status: 500 | 503; retried: boolean; afterSending?: boolean }
> = {
  throttling: {
    inject: () =>
      dynamoDbErrorAnswer(400, 'ProvisionedThroughputExceededException', { message: 'injected throttling' }),
    status: 503,
    retried: true,
  },
  'server-error': {
    inject: () => dynamoDbErrorAnswer(500, 'InternalServerError', { message: 'injected 500' }),
    status: 503,
    retried: true,
  },
  timeout: {
    inject: () => {
      throw timeoutError('injected request timeout');
    },
    status: 503,
    retried: true,
  },
  'cancelled-validation': {
    inject: () =>
      dynamoDbErrorAnswer(400, 'TransactionCanceledException', {
        Message: 'injected cancel',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ValidationError' }],
      }),
    status: 500,
    retried: false,
  },
  // The store applied the write but the answer never came back (a timeout after the fact).
  'lost-response': {
    inject: () => {
      throw timeoutError('injected lost response');
    },
    status: 503,
    retried: true,
    afterSending: true,
  },
};

let plan: { step: number; kind: FaultKind } | undefined;
let calls = 0;
let attemptsAtStep = 0;
/** The attempts the SDK itself counted for the faulted call ($metadata.attempts of its error). */
let sdkAttemptsAtStep: number | undefined;

// The SDK's retry quota (a circuit breaker) would drain over this suite's many faults: each case
// starts from a fresh strategy built exactly as the runtime's client builds it.
beforeEach(() => {
  documentClient().config.retryStrategy = createDocumentClient(config).config.retryStrategy;
});

beforeAll(() => {
  const { middlewareStack } = documentClient();
  // once per call: number the steps of the operation, and read the SDK's count of attempts
  middlewareStack.add(
    (next, context) => async (args) => {
      const step = ++calls;
      // Calls may run concurrently (a search reads its shards in parallel): each keeps its own number.
      (context as { faultStep?: number }).faultStep = step;
      try {
        return await next(args);
      } catch (error) {
        if (plan && step === plan.step)
          sdkAttemptsAtStep = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
        throw error;
      }
    },
    { step: 'initialize', name: 'faultStepCounter' },
  );
  // once per attempt, below the retry layer and the deserializer: answer for DynamoDB
  middlewareStack.add(
    (next, context) => async (args) => {
      if (!plan || (context as { faultStep?: number }).faultStep !== plan.step) return next(args);
      attemptsAtStep++;
      const fault = FAULTS[plan.kind];
      if (fault.afterSending) await next(args);
      return { response: fault.inject(), output: undefined as never };
    },
    { step: 'deserialize', priority: 'low', name: 'faultInjector' },
  );
});

async function itemCollection(id: string) {
  const { Items = [] } = await sdk.send(
    new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': meetingKey(tenant, id).pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/**
 * Meeting, link and history items agree: as many links as parties + agents, all carrying the
 * meeting's modificationTime, and one history entry per version written, the last at that time.
 */
async function expectNoPartialWrite(id: string) {
  const items = await itemCollection(id);
  const main = items.find((item) => item.sk === 'MEETING');
  if (!main) return expect(items).toEqual([]);
  const history = items
    .filter((item) => String(item.sk).startsWith('HISTORY#'))
    .map((item) => item.entry as { version: number; time: string });
  expect(history.map((entry) => entry.version)).toEqual(
    Array.from({ length: main.version as number }, (_, i) => i + 1),
  );
  expect(history.at(-1)!.time).toBe(main.deleted ? main.deletedAt : (main.meeting as Meeting).modificationTime);
  const links = items.filter((item) => String(item.sk).startsWith('LINK#'));
  expect(items).toHaveLength(1 + links.length + history.length);
  if (main.deleted) return expect(links).toEqual([]);
  const meeting = main.meeting as Meeting;
  expect(links).toHaveLength(meeting.parties.length + meeting.agents.length);
  for (const link of links) expect(link.modificationTime).toBe(meeting.modificationTime);
}

const OPERATIONS = [
  {
    name: 'create',
    steps: 1,
    run: (_id: string) => api.call('POST', '/meetings', { body: meetingInput({ notes: 'fault-create' }) }),
  },
  { name: 'get', steps: 1, run: (id: string) => api.call('GET', `/meetings/${id}`) },
  {
    name: 'update',
    steps: 2,
    run: (id: string) =>
      api.call('PUT', `/meetings/${id}`, {
        body: meetingInput({ notes: 'after', agents: [{ agentId: randomUUID() }, { agentId: randomUUID() }] }),
      }),
  },
  { name: 'delete', steps: 2, run: (id: string) => api.call('DELETE', `/meetings/${id}`) },
  // One Query per shard of the tenant's visitTime index, then the page's BatchGetItem.
  { name: 'search', steps: SHARD_COUNT + 1, run: (_id: string) => api.call('GET', '/meetings?size=5') },
];

describe('injected storage faults', () => {
  for (const operation of OPERATIONS) {
    for (const kind of Object.keys(FAULTS) as FaultKind[]) {
      it(`${operation.name}: ${kind} at each step`, async () => {
        for (let step = 1; step <= operation.steps; step++) {
          const id = await api.create(meetingInput({ notes: 'before' }));
          calls = 0;
          attemptsAtStep = 0;
          sdkAttemptsAtStep = undefined;
          plan = { step, kind };
          let response;
          try {
            response = await operation.run(id);
          } finally {
            plan = undefined;
          }
          const fault = FAULTS[kind];
          const label = `${operation.name} ${kind} step ${step}`;
          expect([label, response.status]).toEqual([label, fault.status]);
          expect(validateError(response.body)).toBe(true);
          expect(response.text).not.toMatch(/injected|stack|Exception|at \//);
          if (fault.status === 503) expect(response.headers.get('retry-after')).toBe('1');
          // bounded: the client's 3 attempts for retryable faults, exactly 1 otherwise, as the SDK counted them
          expect(attemptsAtStep, label).toBe(fault.retried ? 3 : 1);
          expect(sdkAttemptsAtStep, label).toBe(attemptsAtStep);
          await expectNoPartialWrite(id);
          if (kind !== 'lost-response' && (operation.name === 'update' || operation.name === 'delete')) {
            expect((await api.call('GET', `/meetings/${id}`)).body.notes).toBe('before'); // nothing changed
          }
        }
      });
    }
  }
});
