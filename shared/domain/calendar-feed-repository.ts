import type { FeedDetail } from './calendar-feed.js';

/** A feed as its tenant lists it (never its token). */
export interface CalendarFeed {
  feedId: string;
  agentId: string;
  detail: FeedDetail;
  createdAt: string;
}

/** What a feed's secret address stands for. */
export interface FeedAddress {
  tenantId: string;
  feedId: string;
  agentId: string;
  detail: FeedDetail;
}

/** A meeting of an agent as the agent index lists it: enough to choose a feed's events. */
export interface AgentVisit {
  meetingId: string;
  visitTime: string;
  statusCode: string;
}

/** The storage port of calendar feeds; a feed's token is known here only by its hash. */
export interface CalendarFeedRepository {
  /**
   * Stores the feed and its address, within the agent's and the tenant's limits (counted in the
   * same write): CalendarFeedLimitReached when either is full.
   */
  create(
    tenantId: string,
    feed: CalendarFeed,
    tokenHash: string,
    limits: { agent: number; tenant: number },
  ): Promise<void>;
  /** The tenant's feeds, oldest first. */
  list(tenantId: string): Promise<CalendarFeed[]>;
  /** Removes the feed and its address; false when the tenant has no such feed. */
  revoke(tenantId: string, feedId: string): Promise<boolean>;
  /** The feed a token's hash addresses, or undefined (unknown or revoked). */
  addressOf(tokenHash: string): Promise<FeedAddress | undefined>;
  /** The agent's meetings with a visitTime in [from, to], from the agent index. */
  agentVisits(tenantId: string, agentId: string, window: { from: string; to: string }): Promise<AgentVisit[]>;
}
