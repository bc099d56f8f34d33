/**
 * The write deadline the changes feed counts on (shared/domain/changes-feed.ts): a transaction is
 * neither sent nor retried once its modificationTime is older than the deadline, and answers
 * StorageUnavailableError (503) with nothing stored. A fault is injected below the SDK's retry
 * layer, as in test/reliability/faults.test.ts: a first attempt that takes longer than the deadline
 * and fails as throttled, which the SDK would otherwise retry.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { StorageUnavailableError } from '../../shared/domain/meeting-repository.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository, NO_WRITE_DEADLINE } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { newMeeting, ORIGIN, uniqueTenant } from '../../support/fixtures.js';
import { dynamoDbErrorAnswer } from '../support/dynamodb-answers.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const DEADLINE_MS = 600;
let attempts = 0;
let slowFirstAttempt = false;

client.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
    attempts++;
    if (slowFirstAttempt && attempts === 1) {
      await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS + 100));
      return {
        response: dynamoDbErrorAnswer(400, 'ProvisionedThroughputExceededException', { message: 'injected' }),
        output: undefined as never,
      };
    }
    return next(args);
  },
  { step: 'deserialize', priority: 'low', name: 'slowThenThrottled' },
);

const now = () => new Date().toISOString();
const withDeadline = new DynamoDbMeetingRepository(client, config.tableName, { writeDeadlineMs: DEADLINE_MS });
const withoutDeadline = new DynamoDbMeetingRepository(client, config.tableName, NO_WRITE_DEADLINE);

beforeEach(() => {
  attempts = 0;
  slowFirstAttempt = false;
  // A fresh retry strategy per case, built as the runtime builds it (its retry quota must not drain).
  client.config.retryStrategy = createDocumentClient(config).config.retryStrategy;
});

describe('write deadline', () => {
  it('does not retry a write past its deadline: 503, one attempt, nothing stored', async () => {
    slowFirstAttempt = true;
    const tenant = uniqueTenant();
    const meeting = newMeeting({ meetingId: randomUUID(), creationTime: now(), modificationTime: now() });
    await expect(withDeadline.create(tenant, meeting, ORIGIN)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(attempts).toBe(1);
    expect(await withDeadline.get(tenant, meeting.meetingId)).toBeUndefined();
  });

  it('control: without the deadline the same retry is sent and the write lands', async () => {
    slowFirstAttempt = true;
    const tenant = uniqueTenant();
    const meeting = newMeeting({ meetingId: randomUUID(), creationTime: now(), modificationTime: now() });
    await withoutDeadline.create(tenant, meeting, ORIGIN);
    expect(attempts).toBe(2);
    expect(await withoutDeadline.get(tenant, meeting.meetingId)).toMatchObject({ version: 1 });
  });

  it('does not send a write whose modificationTime is already past the deadline', async () => {
    const tenant = uniqueTenant();
    const old = new Date(Date.now() - DEADLINE_MS - 1).toISOString();
    const meeting = newMeeting({ meetingId: randomUUID(), creationTime: old, modificationTime: old });
    await expect(withDeadline.create(tenant, meeting, ORIGIN)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(attempts).toBe(0);
    expect(await withDeadline.get(tenant, meeting.meetingId)).toBeUndefined();
  });
});
