import type { MeetingCloudEvent } from '../domain/meeting-events.js';
import type { SubscriptionRepository } from '../domain/subscription-repository.js';
import type { StoredSubscription } from '../domain/subscriptions.js';

/**
 * The subscriptions an event goes to: the tenant's own (never another's), of its type, created
 * before the write (a subscription receives the writes answered after it was made).
 */
export async function subscriptionsFor(
  repository: Pick<SubscriptionRepository, 'list'>,
  event: MeetingCloudEvent,
): Promise<StoredSubscription[]> {
  return (await repository.list(event.tenantid)).filter(
    (subscription) => subscription.eventTypes.includes(event.type) && subscription.creationTime <= event.time,
  );
}
