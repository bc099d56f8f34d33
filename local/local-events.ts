/**
 * Change notifications on the developer's machine: what the stack's pipe, queues and delivery
 * function do on AWS, in process. It polls DynamoDB Local's stream as the delivery pipe's role,
 * passes the records the pipe's filter criteria pass, builds each meeting event with
 * the same code as the pipe's enrichment function, fans it out to the tenant's subscriptions with
 * the same code as the fan-out function, and delivers with the same code as the delivery function:
 * in order per subscription and meeting, a failing event holding back the later ones, retried with
 * backoff until it is delivered or its retry time is spent, then appended to a dead-letter file.
 */
import { join } from 'node:path';
import type { MeetingCloudEvent } from '../shared/domain/meeting-events.js';
import type { SubscriptionRepository } from '../shared/domain/subscription-repository.js';
import type { WebhookUrlPolicy } from '../shared/domain/subscriptions.js';
import { eventOfStreamChange } from '../shared/dynamodb/stream-events.js';
import { logger } from '../shared/logger.js';
import { attemptDelivery, type DeliveryDeps } from '../shared/webhooks/attempt-delivery.js';
import { planFanOutFrom, type PlannedDelivery } from '../shared/webhooks/fan-out.js';
import { DELIVERY_SCHEDULE, nextDeliveryStep, type DeliverySchedule } from '../shared/webhooks/queue-messages.js';
import { appendOwnerOnly } from './owner-only-files.js';
import { followTableStream } from './table-stream.js';

/**
 * WEBHOOK_RETRY_FIRST_MS, WEBHOOK_RETRY_MAX_MS, WEBHOOK_RETRY_ATTEMPTS: the delivery schedule the
 * stack's queues keep (DELIVERY_SCHEDULE), each part shortened where set (tests: milliseconds).
 */
export function readRetrySchedule(env = process.env): DeliverySchedule {
  if (env.WEBHOOK_RETRY_FOR_MS?.trim())
    throw new Error('WEBHOOK_RETRY_FOR_MS is replaced by WEBHOOK_RETRY_ATTEMPTS (the attempts before giving up)');
  const number = (name: string, fallback: number) => {
    const value = env[name]?.trim();
    if (!value) return fallback;
    if (!/^[1-9]\d*$/.test(value)) throw new Error(`${name} must be a positive whole number, got "${value}"`);
    return Number(value);
  };
  return {
    firstDelayMs: number('WEBHOOK_RETRY_FIRST_MS', DELIVERY_SCHEDULE.firstDelayMs),
    maxDelayMs: number('WEBHOOK_RETRY_MAX_MS', DELIVERY_SCHEDULE.maxDelayMs),
    maxAttempts: number('WEBHOOK_RETRY_ATTEMPTS', DELIVERY_SCHEDULE.maxAttempts),
  };
}

interface Pending {
  delivery: PlannedDelivery;
  attempts: number;
}

export interface LocalEventsOptions {
  /** Where the stream is read: the IAM enforcement point, as the delivery pipe's role. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  streamArn: string;
  /** The pipe's filter criteria from the template: a record passes when it matches one of them. */
  filterPatterns: unknown[];
  dataDir: string;
  /** The deployment's write deadline (from the fan-out function's settle delay). */
  writeDeadlineMs: number;
  /** Subscriptions as the fan-out function reads them (with its role). */
  subscriptions: SubscriptionRepository;
  /** Subscriptions as the delivery function reads them (with its role). */
  deliverySubscriptions: SubscriptionRepository;
  /** Meetings' erasures as the delivery function reads them (with its role). */
  deliveryMeetings: DeliveryDeps['meetings'];
  policy: WebhookUrlPolicy;
  resolveHost: (hostname: string) => Promise<string[]>;
  retry?: DeliverySchedule;
  pollIntervalMs?: number;
}

export interface LocalEvents {
  stop(): Promise<void>;
  /** Where events that exhausted their retries are appended, one JSON object per line. */
  deadLetterFile: string;
}

/** Starts following the table's stream from now. */
export async function startLocalEvents(options: LocalEventsOptions): Promise<LocalEvents> {
  const retry = options.retry ?? readRetrySchedule();
  const deadLetterFile = join(options.dataDir, 'webhook-dead-letters.jsonl');
  const queues = new Map<string, Pending[]>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) run();
    }, ms);
    timers.add(timer);
  };

  const deps: DeliveryDeps = {
    repository: options.deliverySubscriptions,
    meetings: options.deliveryMeetings,
    policy: options.policy,
    resolveHost: options.resolveHost,
  };

  /** Works through one subscription+meeting queue in order; the head blocks the rest until it is done. */
  const work = async (key: string): Promise<void> => {
    const queue = queues.get(key);
    const head = queue?.[0];
    if (!queue || !head || stopped) return;
    head.attempts++;
    const { subscriptionId, event } = head.delivery.message;
    const attempt = await attemptDelivery(deps, subscriptionId, event);
    if (attempt.outcome === 'failed') {
      const step = nextDeliveryStep(head.attempts, retry);
      if ('retryInMs' in step) {
        logger.warn('webhook delivery failed; retrying', {
          subscriptionId,
          eventId: event.id,
          reason: attempt.reason,
          retryInMs: step.retryInMs,
        });
        later(step.retryInMs, () => void work(key));
        return;
      }
      // The event's envelope without its data: the file never holds a meeting (or what an erasure removes).
      const { data: _data, ...envelope } = event;
      appendOwnerOnly(
        deadLetterFile,
        `${JSON.stringify({ subscriptionId, event: envelope, attempts: head.attempts, reason: attempt.reason, deadLetteredAt: new Date().toISOString() })}\n`,
      );
      logger.warn('webhook event dead-lettered', { subscriptionId, eventId: event.id });
    }
    queue.shift();
    if (queue.length) void work(key);
    else queues.delete(key);
  };

  /** Queues the event's fan-out plan, one in-process queue per message group, as the FIFO queue keeps them. */
  const accept = async (event: MeetingCloudEvent) => {
    for (const delivery of await planFanOutFrom(options.subscriptions, event, options.writeDeadlineMs)) {
      const queue = queues.get(delivery.groupId);
      if (queue) queue.push({ delivery, attempts: 0 });
      else {
        queues.set(delivery.groupId, [{ delivery, attempts: 0 }]);
        void work(delivery.groupId);
      }
    }
  };

  const stream = await followTableStream({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
    streamArn: options.streamArn,
    filterPatterns: options.filterPatterns,
    pollIntervalMs: options.pollIntervalMs,
    onRecord: async (record) => {
      const event = eventOfStreamChange(record);
      if (event) await accept(event);
    },
  });

  return {
    deadLetterFile,
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      return stream.stop();
    },
  };
}
