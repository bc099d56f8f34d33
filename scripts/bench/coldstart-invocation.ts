/**
 * What bench:coldstart invokes each function with: a real, valid invocation with a real effect,
 * the same for ours and the reference, and how its answer is checked (the API functions' in
 * coldstart-api-invocations.ts, the stream- and queue-fed ones in coldstart-event-invocations.ts).
 */
import type { FunctionName } from './coldstart-bundles.js';
import type { LambdaEvents } from './lambda-events.js';
import type { LocalEndpoints } from './local-endpoints.js';

export type Side = 'ours' | 'reference';
export const SIDES: readonly Side[] = ['ours', 'reference'];

export interface Invocation {
  /** Untimed, before the warm-up: what the samples read or consume. */
  seed?(): Promise<void>;
  /** A fresh event for each sample (a fresh item where the invocation consumes one). */
  event(side: Side): unknown;
  /** A fast answer counts only if it is the right one: an error answer would flatter either side. */
  check(answer: unknown, side: Side): void | Promise<void>;
  /** Variables both sides get on top of the common ones. */
  environment?: Record<string, string>;
}

export interface InvocationContext {
  events: LambdaEvents;
  endpoints: LocalEndpoints;
  /** Samples each side takes, warm-ups included: how many items a consuming invocation needs. */
  samplesPerSide: number;
  /** Our bundle of `name` invoked on `events` in one untimed process: its answers. */
  seedThrough(name: FunctionName, events: unknown[]): Promise<unknown[]>;
}

/** Subscriptions may reach the bench's loopback receiver (the local runner's setting). */
export const LOOPBACK_WEBHOOKS = { WEBHOOK_ALLOW_LOOPBACK: 'true' };

type ApiAnswer = { statusCode?: number; body?: string };

/** The answer's status must be `status`; its parsed body. */
export function expectStatus(name: string, side: Side, answer: unknown, status: number): Record<string, unknown> {
  const { statusCode, body } = (answer ?? {}) as ApiAnswer;
  if (statusCode !== status) throw new Error(`${side} ${name} answered ${statusCode}, expected ${status}: ${body}`);
  return body && body.startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : {};
}

/** Ids made through our bundles for the samples to consume, a list per side. */
export function perSide(): Record<Side, string[]> & { take(side: Side): string } {
  const ids = { ours: [] as string[], reference: [] as string[] };
  return Object.assign(ids, {
    take(side: Side) {
      const id = ids[side].shift();
      if (!id) throw new Error('out of seeded items');
      return id;
    },
  });
}

/** `work` run once, however many invocations share it as their seed. */
export function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= work());
}
