/**
 * What an Idempotency-Key costs on DynamoDB Local: the create's own conditional write is the key's
 * lookup (shared/domain/idempotency.ts), so a create with a key writes what one without writes,
 * and a replay is answered by that one refused conditional write (no second item, no extra call).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { createMeeting } from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN, uniqueTenant } from '../../support/fixtures.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const usage = { writeUnits: 0, calls: 0 };
client.middlewareStack.add(
  (next) => async (args) => {
    (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
    usage.calls++;
    const result = await next(args);
    const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
    // DynamoDB Local reports a transaction's units as CapacityUnits (write units, here).
    for (const c of [consumed ?? []].flat() as Array<{ CapacityUnits?: number }>)
      usage.writeUnits += c.CapacityUnits ?? 0;
    return result;
  },
  { step: 'initialize', name: 'meterCapacity' },
);
const deps = { repository: new DynamoDbMeetingRepository(client, config.tableName) };
const measure = async (run: () => Promise<unknown>) => {
  Object.assign(usage, { writeUnits: 0, calls: 0 });
  await run();
  return { ...usage };
};

describe('the cost of an Idempotency-Key', () => {
  it('a create with a key writes what one without writes; a replay is one refused write', async () => {
    const tenant = uniqueTenant();
    const input = meetingInput({ notes: 'cost' });
    const plain = await measure(() => createMeeting(deps, tenant, input, ORIGIN));
    const key = randomUUID();
    const keyed = await measure(() => createMeeting(deps, tenant, input, ORIGIN, key));
    const replay = await measure(() => createMeeting(deps, tenant, input, ORIGIN, key));
    console.info(
      `create without key: ${JSON.stringify(plain)}; with key: ${JSON.stringify(keyed)}; replay: ${JSON.stringify(replay)} (DynamoDB Local)`,
    );
    expect(plain.writeUnits).toBeGreaterThan(0);
    expect(keyed).toEqual(plain);
    expect(replay.calls).toBe(1); // the refused conditional write hands back what holds the id
  });
});
