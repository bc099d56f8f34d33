import { randomUUID } from 'node:crypto';
import { SubscriptionNotFound, WebhookUrlRefused } from '../domain/errors.js';
import type { SubscriptionRepository } from '../domain/subscription-repository.js';
import {
  addressRefusal,
  MAX_SUBSCRIPTIONS_PER_TENANT,
  MEETING_EVENT_TYPES,
  newSigningSecret,
  parseWebhookUrl,
  type MeetingEventType,
  type StoredSubscription,
  type Subscription,
  type WebhookUrlPolicy,
} from '../domain/subscriptions.js';

export interface SubscriptionDeps {
  repository: SubscriptionRepository;
  policy: WebhookUrlPolicy;
  /** The addresses a host name resolves to (all of them); an empty list when it does not resolve. */
  resolveHost: (hostname: string) => Promise<string[]>;
  now?: () => Date;
}

/** The addresses a webhook URL would reach, refused unless every one may receive webhooks. */
export async function checkWebhookUrl(deps: Pick<SubscriptionDeps, 'policy' | 'resolveHost'>, url: string) {
  const parsed = parseWebhookUrl(url);
  if (!parsed.ok) throw new WebhookUrlRefused(parsed.reason);
  const addresses = parsed.literalAddress ? [parsed.literalAddress] : await deps.resolveHost(parsed.url.hostname);
  const refusal = addressRefusal(parsed.url.protocol, addresses, deps.policy);
  if (refusal) throw new WebhookUrlRefused(refusal);
  return { url: parsed.url, addresses };
}

const publicView = ({ secret: _secret, ...subscription }: StoredSubscription): Subscription => subscription;

/** Subscribes `url`; the answer is the only place the signing secret is ever shown. */
export async function createSubscription(
  deps: SubscriptionDeps,
  tenantId: string,
  request: { url: string; eventTypes?: MeetingEventType[] },
): Promise<Subscription & { secret: string }> {
  await checkWebhookUrl(deps, request.url);
  const subscription: StoredSubscription = {
    subscriptionId: randomUUID(),
    url: request.url,
    eventTypes: request.eventTypes ?? [...MEETING_EVENT_TYPES],
    creationTime: (deps.now ? deps.now() : new Date()).toISOString(),
    secret: newSigningSecret(),
  };
  await deps.repository.create(tenantId, subscription, MAX_SUBSCRIPTIONS_PER_TENANT);
  return { ...publicView(subscription), secret: subscription.secret };
}

export async function listSubscriptions(deps: SubscriptionDeps, tenantId: string): Promise<Subscription[]> {
  return (await deps.repository.list(tenantId)).map(publicView);
}

export async function deleteSubscription(deps: SubscriptionDeps, tenantId: string, subscriptionId: string) {
  if (!(await deps.repository.delete(tenantId, subscriptionId))) throw new SubscriptionNotFound(subscriptionId);
}
