import type { StoredSubscription } from './subscriptions.js';

/** The storage port of webhook subscriptions; every method is scoped to one tenant. */
export interface SubscriptionRepository {
  /**
   * Stores the subscription unless the tenant already has `limit`, whatever runs at the same time
   * (then SubscriptionLimitReached, and nothing was written).
   */
  create(tenantId: string, subscription: StoredSubscription, limit: number): Promise<void>;
  /** The subscription as stored now (a consistent read), or undefined once deleted. */
  get(tenantId: string, subscriptionId: string): Promise<StoredSubscription | undefined>;
  /** Every subscription of the tenant, oldest first (a consistent read). */
  list(tenantId: string): Promise<StoredSubscription[]>;
  /** Deletes the subscription; false when the tenant has none of that id. */
  delete(tenantId: string, subscriptionId: string): Promise<boolean>;
}
