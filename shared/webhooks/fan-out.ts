import { DEFAULT_SETTLE_DELAY_MS, writeDeadlineOf } from '../domain/changes-feed.js';
import type { MeetingCloudEvent } from '../domain/meeting-events.js';
import type { SubscriptionRepository } from '../domain/subscription-repository.js';
import type { StoredSubscription } from '../domain/subscriptions.js';

/**
 * A write carries the modificationTime it chose before committing, and commits within the write
 * deadline (15 s on AWS) of it: a write answered after a subscription was made may carry a time
 * up to that much earlier.
 */
const WRITE_SLACK_MS = writeDeadlineOf(DEFAULT_SETTLE_DELAY_MS);

/**
 * The subscriptions an event goes to: the tenant's own (never another's), of its type, made
 * before the write was answered (an earlier write may reach it too, never a later one be missed).
 */
export async function subscriptionsFor(
  repository: Pick<SubscriptionRepository, 'list'>,
  event: MeetingCloudEvent,
): Promise<StoredSubscription[]> {
  return (await repository.list(event.tenantid)).filter(
    (subscription) =>
      subscription.eventTypes.includes(event.type) &&
      Date.parse(subscription.creationTime) - WRITE_SLACK_MS <= Date.parse(event.time),
  );
}
