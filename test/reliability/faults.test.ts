/**
 * Injected storage faults at each step of each operation, through the whole HTTP path (local
 * gateway, handlers, adapter, DynamoDB Local). A fault is injected below the SDK's retry layer, so
 * retries really happen: they stay bounded (at most 3 attempts), the API answers 503 with Retry-After
 * (throttling, 5xx, timeout) or 500 (anything else) in the house format, and the table shows no
 * partial write afterwards.
 */
import { randomUUID } from 'node:crypto';
import { InternalServerError, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/composition.js';
import { readStorageConfig } from '../../shared/config.js';
import type { Meeting } from '../../shared/domain/meeting.js';
import { meetingKey } from '../../shared/dynamodb/keys.js';
import { validate as validateError } from '../../shared/generated/validators/Error.cjs';
import { useApi } from '../support/api-client.js';
import { meetingInput, uniqueTenant } from '../support/fixtures.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const config = readStorageConfig();

type FaultKind = 'throttling' | 'server-error' | 'timeout' | 'cancelled-validation' | 'lost-response';
const metadata = { $metadata: {} };
const FAULTS: Record<FaultKind, { error: () => Error; status: 500 | 503; retried: boolean; after?: boolean }> = {
  throttling: { error: () => new ProvisionedThroughputExceededException({ message: 'injected throttling', ...metadata }), status: 503, retried: true },
  'server-error': { error: () => new InternalServerError({ message: 'injected 500', $metadata: { httpStatusCode: 500 } }), status: 503, retried: true },
  timeout: { error: () => Object.assign(new Error('injected request timeout'), { name: 'TimeoutError' }), status: 503, retried: true },
  'cancelled-validation': {
    error: () => new TransactionCanceledException({ message: 'injected cancel', CancellationReasons: [{ Code: 'None' }, { Code: 'ValidationError' }], ...metadata }),
    status: 500,
    retried: false,
  },
  // The store applied the write but the answer never came back (a timeout after the fact).
  'lost-response': { error: () => Object.assign(new Error('injected lost response'), { name: 'TimeoutError' }), status: 503, retried: true, after: true },
};

let plan: { step: number; kind: FaultKind } | undefined;
let commands = 0;
let attemptsAtStep = 0;

beforeAll(() => {
  const client = documentClient();
  // once per command: number the steps of the operation
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (context as { step?: number }).step = ++commands;
      return next(args);
    },
    { step: 'initialize', name: 'faultStepCounter' },
  );
  // once per attempt, below the retry layer: fail the planned step
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const step = (context as { step?: number }).step;
      if (!plan || step !== plan.step) return next(args);
      attemptsAtStep++;
      const fault = FAULTS[plan.kind];
      if (fault.after) {
        await next(args);
        throw fault.error();
      }
      throw fault.error();
    },
    { step: 'deserialize', name: 'faultInjector' },
  );
});

async function itemCollection(id: string) {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({ TableName: config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': meetingKey(tenant, id).pk }, ConsistentRead: true }),
  );
  return Items;
}

/** Meeting and link items agree: as many links as parties + agents, all carrying the meeting's modificationTime. */
async function expectNoPartialWrite(id: string) {
  const items = await itemCollection(id);
  const main = items.find((item) => item.sk === 'MEETING');
  if (!main) return expect(items).toEqual([]);
  const links = items.filter((item) => item.sk !== 'MEETING');
  if (main.deleted) return expect(links).toEqual([]);
  const meeting = main.meeting as Meeting;
  expect(links).toHaveLength(meeting.parties.length + meeting.agents.length);
  for (const link of links) expect(link.modificationTime).toBe(meeting.modificationTime);
}

const OPERATIONS = [
  { name: 'create', steps: 1, run: (_id: string) => api.call('POST', '/meetings', { body: meetingInput({ notes: 'fault-create' }) }) },
  { name: 'get', steps: 1, run: (id: string) => api.call('GET', `/meetings/${id}`) },
  { name: 'update', steps: 2, run: (id: string) => api.call('PUT', `/meetings/${id}`, { body: meetingInput({ notes: 'after', agents: [{ agentId: randomUUID() }, { agentId: randomUUID() }] }) }) },
  { name: 'delete', steps: 2, run: (id: string) => api.call('DELETE', `/meetings/${id}`) },
  { name: 'search', steps: 2, run: (_id: string) => api.call('GET', '/meetings?size=5') },
];

describe('injected storage faults', () => {
  for (const operation of OPERATIONS) {
    for (const kind of Object.keys(FAULTS) as FaultKind[]) {
      it(`${operation.name}: ${kind} at each step`, async () => {
        for (let step = 1; step <= operation.steps; step++) {
          const id = await api.create(meetingInput({ notes: 'before' }));
          commands = 0;
          attemptsAtStep = 0;
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
          // bounded: at most the SDK's 3 attempts for retryable faults (fewer once its retry quota
          // drains under sustained failure), exactly 1 otherwise; never an endless loop
          if (fault.retried) expect(attemptsAtStep, label).toBeGreaterThanOrEqual(1);
          expect(attemptsAtStep, label).toBeLessThanOrEqual(fault.retried ? 3 : 1);
          await expectNoPartialWrite(id);
          if (!fault.after && (operation.name === 'update' || operation.name === 'delete')) {
            expect((await api.call('GET', `/meetings/${id}`)).body.notes).toBe('before'); // nothing changed
          }
        }
      });
    }
  }
});
