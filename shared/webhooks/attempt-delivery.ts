/**
 * One delivery attempt of a planned message, as both the AWS delivery function and the local
 * runner make it: what to do next (back off, give up) is theirs, since only they know how.
 */
import type { MeetingCloudEvent } from '../domain/meeting-events.js';
import type { MeetingRepository } from '../domain/meeting-repository.js';
import type { SubscriptionDeps } from '../use-cases/subscription-use-cases.js';
import { deliverEvent } from './deliver.js';

export type AttemptOutcome =
  | { outcome: 'delivered'; status: number }
  /** The subscription was deleted since the fan-out: it gets nothing more. */
  | { outcome: 'skipped' }
  /** A data subject was erased from the meeting after the event: it carries erased data, and is sent to no one. */
  | { outcome: 'withdrawn' }
  | { outcome: 'failed'; reason: string };

export interface DeliveryDeps extends Pick<SubscriptionDeps, 'repository' | 'policy' | 'resolveHost'> {
  meetings: Pick<MeetingRepository, 'lastErasure'>;
}

/**
 * Delivers the event to the subscription as stored now, unless a data subject was erased from its
 * meeting since the event was made. Storage or DNS trouble is a failed
 * attempt like a refused delivery: backed off, not retried at once.
 */
export async function attemptDelivery(
  deps: DeliveryDeps,
  subscriptionId: string,
  event: MeetingCloudEvent,
  options: { timeoutMs?: number; now?: () => number } = {},
): Promise<AttemptOutcome> {
  let subscription;
  let erasedAt: string | undefined;
  try {
    // Read at each attempt, so that an event queued or retried across an erasure is never sent.
    [erasedAt, subscription] = await Promise.all([
      deps.meetings.lastErasure(event.tenantid, event.subject),
      deps.repository.get(event.tenantid, subscriptionId),
    ]);
  } catch (error) {
    return { outcome: 'failed', reason: `storage unreadable: ${(error as Error).message}` };
  }
  if (erasedAt !== undefined && event.time < erasedAt) return { outcome: 'withdrawn' };
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
