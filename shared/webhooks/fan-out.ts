/**
 * The fan-out plan: which subscriptions an event goes to, and the delivery message of each with
 * its FIFO group and deduplication id. The same plan feeds the AWS fan-out function (SQS batches)
 * and the local runner (in-process queues).
 */
import type { MeetingCloudEvent } from '../domain/meeting-events.js';
import type { SubscriptionRepository } from '../domain/subscription-repository.js';
import { MAX_SUBSCRIPTIONS_PER_TENANT, type StoredSubscription } from '../domain/subscriptions.js';
import type { DeliveryMessage } from './queue-messages.js';

/** SQS takes at most this many entries in one SendMessageBatch. */
export const MAX_BATCH_ENTRIES = 10;

/** SQS's limit on a message deduplication id. */
const MAX_DEDUPLICATION_ID_LENGTH = 128;

export interface PlannedDelivery {
  /** Unique within one event's plan. */
  subscriptionId: string;
  message: DeliveryMessage;
  /**
   * One group per subscription and meeting: deliveries keep the meeting's order, and a failing
   * receiver holds back only its own events of that meeting.
   */
  groupId: string;
  /** The same whenever this event is planned again for this subscription, so a resend is harmless. */
  deduplicationId: string;
}

/**
 * The deliveries of an event, from its tenant's subscriptions (never another tenant's, oldest
 * first, as the repository lists them), of which only the oldest the limit allows count (a tenant
 * may hold more from before the limit was a condition of the write): those of
 * its type, made before the write was answered (an earlier write may reach one too, never a later
 * one be missed). A write carries the modificationTime it chose before committing and commits within
 * the write deadline of it (the deployment's, from its settle delay): a write answered after a
 * subscription was made may carry a time up to that much earlier.
 */
export function planFanOut(
  subscriptions: readonly StoredSubscription[],
  event: MeetingCloudEvent,
  writeDeadlineMs: number,
): PlannedDelivery[] {
  return subscriptions
    .slice(0, MAX_SUBSCRIPTIONS_PER_TENANT)
    .filter(
      (subscription) =>
        subscription.eventTypes.includes(event.type) &&
        Date.parse(subscription.creationTime) - writeDeadlineMs <= Date.parse(event.time),
    )
    .map(({ subscriptionId }) => ({
      subscriptionId,
      message: { subscriptionId, event },
      groupId: `${subscriptionId}#${event.subject}`,
      deduplicationId: `${event.id}.${subscriptionId}`.slice(0, MAX_DEDUPLICATION_ID_LENGTH),
    }));
}

/** The plan of an event over its tenant's subscriptions as stored now. */
export async function planFanOutFrom(
  repository: Pick<SubscriptionRepository, 'list'>,
  event: MeetingCloudEvent,
  writeDeadlineMs: number,
): Promise<PlannedDelivery[]> {
  return planFanOut(await repository.list(event.tenantid), event, writeDeadlineMs);
}

/** The items in order, in consecutive batches of at most `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
