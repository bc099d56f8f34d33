import type { MeetingCloudEvent } from '../domain/meeting-events.js';

/** A message of the delivery queue: one event for one subscription (message group: subscription + meeting). */
export interface DeliveryMessage {
  subscriptionId: string;
  event: MeetingCloudEvent;
}

/** The wait before the next attempt after `attempts` failed ones: `first`, doubling, at most `max`. */
export const doublingDelay = (first: number, max: number, attempts: number): number =>
  Math.min(max, first * 2 ** (attempts - 1));

/**
 * The backoff of a failed delivery, by how often the message was received: 30 s doubling to 2 h.
 * With DELIVERY_MAX_RECEIVES attempts that is more than 24 hours of retries before the dead-letter queue.
 */
export const retryDelaySeconds = (receiveCount: number): number => doublingDelay(30, 7_200, receiveCount);
export const DELIVERY_MAX_RECEIVES = 20;
