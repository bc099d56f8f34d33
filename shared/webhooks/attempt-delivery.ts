/**
 * One delivery attempt of a planned message, as both the AWS delivery function and the local
 * runner make it: what to do next (back off, give up) is theirs, since only they know how.
 */
import type { MeetingCloudEvent } from '../domain/meeting-events.js';
import type { SubscriptionDeps } from '../use-cases/subscription-use-cases.js';
import { deliverEvent } from './deliver.js';

export type AttemptOutcome =
  | { outcome: 'delivered'; status: number }
  /** The subscription was deleted since the fan-out: it gets nothing more. */
  | { outcome: 'skipped' }
  | { outcome: 'failed'; reason: string };

/**
 * Delivers the event to the subscription as stored now. Storage or DNS trouble is a failed
 * attempt like a refused delivery: backed off, not retried at once.
 */
export async function attemptDelivery(
  deps: Pick<SubscriptionDeps, 'repository' | 'policy' | 'resolveHost'>,
  subscriptionId: string,
  event: MeetingCloudEvent,
  options: { timeoutMs?: number; now?: () => number } = {},
): Promise<AttemptOutcome> {
  let subscription;
  try {
    subscription = await deps.repository.get(event.tenantid, subscriptionId);
  } catch (error) {
    return { outcome: 'failed', reason: `subscription unreadable: ${(error as Error).message}` };
  }
  if (!subscription) return { outcome: 'skipped' };
  try {
    const delivery = await deliverEvent(deps, subscription, event, options);
    return delivery.delivered
      ? { outcome: 'delivered', status: delivery.status }
      : { outcome: 'failed', reason: delivery.reason };
  } catch (error) {
    return { outcome: 'failed', reason: (error as Error).message };
  }
}
