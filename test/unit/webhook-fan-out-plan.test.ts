/**
 * The shared fan-out plan and delivery step (shared/webhooks/), which the AWS functions and the
 * local runner both use: which subscriptions an event goes to, with what group and deduplication
 * ids, in which batches, and the outcome of an attempt that never reaches a receiver.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_WRITE_DEADLINE_MS, writeDeadlineOf } from '../../shared/domain/changes-feed.js';
import { meetingEventOf, type MeetingCloudEvent } from '../../shared/domain/meeting-events.js';
import { MAX_SUBSCRIPTIONS_PER_TENANT, type StoredSubscription } from '../../shared/domain/subscriptions.js';
import { attemptDelivery } from '../../shared/webhooks/attempt-delivery.js';
import { batchesOf, planFanOut } from '../../shared/webhooks/fan-out.js';
import { doublingDelay, retryDelaySeconds } from '../../shared/webhooks/queue-messages.js';
import { newMeeting } from '../../support/fixtures.js';

const WRITTEN = '2026-03-01T12:00:00.000Z';
const meeting = newMeeting({ creationTime: WRITTEN, modificationTime: WRITTEN });
const created = meetingEventOf('t1', undefined, { meeting, version: 1 })!;
const deleted = meetingEventOf(
  't1',
  { meeting, version: 1 },
  {
    deleted: true,
    meetingId: meeting.meetingId,
    version: 2,
    deletionTime: WRITTEN,
  },
)!;

/** The write deadline of the default settle delay (30 s): 15 s. */
const DEADLINE = DEFAULT_WRITE_DEADLINE_MS;
const at = (ms: number) => new Date(Date.parse(WRITTEN) + ms).toISOString();
const subscription = (subscriptionId: string, overrides: Partial<StoredSubscription> = {}): StoredSubscription => ({
  subscriptionId,
  url: 'https://hooks.example.com/in',
  eventTypes: ['meeting.created', 'meeting.updated', 'meeting.deleted'],
  creationTime: at(-60_000),
  secret: 'a-secret',
  ...overrides,
});

describe('the fan-out plan', () => {
  it('one delivery per subscription of the event type, grouped by subscription and meeting, deduplicated by event and subscription', () => {
    const plan = planFanOut(
      [subscription('s1'), subscription('s2', { eventTypes: ['meeting.deleted'] }), subscription('s3')],
      created,
      DEADLINE,
    );
    expect(plan).toEqual([
      {
        subscriptionId: 's1',
        message: { subscriptionId: 's1', event: created },
        groupId: `s1#${meeting.meetingId}`,
        deduplicationId: `${created.id}.s1`,
      },
      {
        subscriptionId: 's3',
        message: { subscriptionId: 's3', event: created },
        groupId: `s3#${meeting.meetingId}`,
        deduplicationId: `${created.id}.s3`,
      },
    ]);
    expect(planFanOut([subscription('s2', { eventTypes: ['meeting.deleted'] })], deleted, DEADLINE)).toHaveLength(1);
  });

  it('the same event planned again gets the same ids, so a resend is deduplicated', () => {
    const subscriptions = [subscription('s1'), subscription('s2')];
    expect(planFanOut(subscriptions, created, DEADLINE)).toEqual(planFanOut(subscriptions, created, DEADLINE));
  });

  it('keeps a deduplication id within 128 characters', () => {
    const long = 'x'.repeat(200);
    const [delivery] = planFanOut([subscription(long)], created, DEADLINE);
    expect(delivery!.deduplicationId).toBe(`${created.id}.${long}`.slice(0, 128));
    expect(delivery!.groupId).toBe(`${long}#${meeting.meetingId}`);
  });

  it('includes a subscription made within the write deadline after the event time, not one made later', () => {
    const plan = planFanOut(
      [
        subscription('made-before'),
        subscription('within-slack', { creationTime: at(10_000) }),
        subscription('later', { creationTime: at(60_000) }),
      ],
      created,
      DEADLINE,
    );
    expect(plan.map((d) => d.subscriptionId)).toEqual(['made-before', 'within-slack']);
  });

  it("counts back by the deployment's own write deadline, not the default one", () => {
    // A 60 s settle delay lets a write commit 30 s after its modificationTime: a subscription made
    // 20 s after that time may be older than the write's answer, so it must get the event.
    const madeLater = [subscription('made-20s-later', { creationTime: at(20_000) })];
    expect(planFanOut(madeLater, created, writeDeadlineOf(60_000))).toHaveLength(1);
    expect(planFanOut(madeLater, created, writeDeadlineOf(10_000))).toHaveLength(0);
  });

  it('delivers to at most the limit of subscriptions, the oldest, even where more are stored', () => {
    const stored = Array.from({ length: MAX_SUBSCRIPTIONS_PER_TENANT + 15 }, (_, i) =>
      subscription(`s${String(i).padStart(2, '0')}`, { creationTime: at(-120_000 + i) }),
    );
    const planned = planFanOut(stored, created, DEADLINE).map((delivery) => delivery.subscriptionId);
    expect(planned).toEqual(stored.slice(0, MAX_SUBSCRIPTIONS_PER_TENANT).map((s) => s.subscriptionId));
  });

  it('plans nothing without a subscription', () => {
    expect(planFanOut([], created, DEADLINE)).toEqual([]);
  });
});

describe('batches', () => {
  it('splits in order into batches of at most the size', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    expect(batchesOf(items, 10)).toEqual([items.slice(0, 10), items.slice(10)]);
    expect(batchesOf(items.slice(0, 10), 10)).toEqual([items.slice(0, 10)]);
    expect(batchesOf([], 10)).toEqual([]);
    expect(() => batchesOf(items, 0)).toThrow(RangeError);
  });
});

describe('backoff', () => {
  it('doubles from the first delay up to the most', () => {
    expect([1, 2, 3, 4, 5].map((n) => doublingDelay(100, 500, n))).toEqual([100, 200, 400, 500, 500]);
    expect(retryDelaySeconds(1)).toBe(doublingDelay(30, 7_200, 1));
  });
});

describe('a delivery attempt without a receiver reached', () => {
  const event: MeetingCloudEvent = created;
  const deps = (stored: StoredSubscription | undefined | Error, erasedAt?: string) => ({
    meetings: { lastErasure: async () => erasedAt },
    repository: {
      get: async () => {
        if (stored instanceof Error) throw stored;
        return stored;
      },
      create: async () => undefined,
      list: async () => [],
      delete: async () => false,
    },
    policy: { allowLoopback: false },
    resolveHost: async () => [],
  });

  it('skips a subscription deleted since the fan-out', async () => {
    expect(await attemptDelivery(deps(undefined), 's1', event)).toEqual({ outcome: 'skipped' });
  });

  it('fails, with the reason, when the subscription cannot be read', async () => {
    expect(await attemptDelivery(deps(new Error('throttled')), 's1', event)).toEqual({
      outcome: 'failed',
      reason: 'storage unreadable: throttled',
    });
  });

  it('withdraws an event made before a data subject was erased from its meeting; sends those made since', async () => {
    const later = new Date(Date.parse(event.time) + 1).toISOString();
    expect(await attemptDelivery(deps(subscription('s1'), later), 's1', event)).toEqual({ outcome: 'withdrawn' });
    const attempt = await attemptDelivery(deps(subscription('s1'), event.time), 's1', event);
    expect(attempt.outcome).not.toBe('withdrawn');
  });

  it('fails when the URL no longer passes the check', async () => {
    const attempt = await attemptDelivery(deps(subscription('s1')), 's1', event);
    expect(attempt).toEqual({ outcome: 'failed', reason: expect.stringMatching(/^url refused: /) });
  });

  it('fails, rather than throwing, when resolving the host throws', async () => {
    const throwing = { ...deps(subscription('s1')), resolveHost: async () => Promise.reject(new Error('EAI_AGAIN')) };
    expect(await attemptDelivery(throwing, 's1', event)).toEqual({ outcome: 'failed', reason: expect.any(String) });
  });
});
