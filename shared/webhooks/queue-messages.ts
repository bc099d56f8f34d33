import type { MeetingCloudEvent } from '../domain/meeting-events.js';

/** A message of the delivery queue: one event for one subscription (message group: subscription + meeting). */
export interface DeliveryMessage {
  subscriptionId: string;
  event: MeetingCloudEvent;
}

/** The wait before the next attempt after `attempts` failed ones: `first`, doubling, at most `max`. */
export const doublingDelay = (first: number, max: number, attempts: number): number =>
  Math.min(max, first * 2 ** (attempts - 1));

/** How failed deliveries are retried: the first wait, its doubling's cap, and the attempts before giving up. */
export interface DeliverySchedule {
  firstDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/** 30 s doubling to 2 h, 20 attempts: more than 24 hours of retries before the dead-letter queue. */
export const DELIVERY_SCHEDULE: DeliverySchedule = { firstDelayMs: 30_000, maxDelayMs: 7_200_000, maxAttempts: 20 };
/** The delivery queue's redrive: a message received this often goes to the dead-letter queue. */
export const DELIVERY_MAX_RECEIVES = DELIVERY_SCHEDULE.maxAttempts;

export type DeliveryStep = { retryInMs: number } | { deadLetter: true };

/**
 * What follows a failed delivery attempt, on AWS (attempts = the message's receive count; the wait
 * is its visibility timeout) and locally alike: wait and retry, or give up into the dead letters.
 */
export function nextDeliveryStep(failedAttempts: number, schedule: DeliverySchedule = DELIVERY_SCHEDULE): DeliveryStep {
  if (failedAttempts >= schedule.maxAttempts) return { deadLetter: true };
  return { retryInMs: doublingDelay(schedule.firstDelayMs, schedule.maxDelayMs, failedAttempts) };
}

/** The wait after a message's receive count of failed attempts, in whole seconds (its visibility timeout). */
export const retryDelaySeconds = (receiveCount: number): number =>
  doublingDelay(DELIVERY_SCHEDULE.firstDelayMs, DELIVERY_SCHEDULE.maxDelayMs, receiveCount) / 1000;
