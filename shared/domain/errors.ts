/**
 * What the domain says when a request cannot be carried out, in its own words. Only the HTTP edge
 * (shared/http/error-mapping.ts) turns these into status codes and house error bodies.
 */

/** One offending field: its JSON path in the meeting (`parties[1].partyId`) and why. */
export interface FieldViolation {
  field: string;
  message: string;
}

export class MeetingNotFound extends Error {
  constructor(readonly meetingId: string) {
    super(`no meeting ${meetingId}`);
    this.name = 'MeetingNotFound';
  }
}

export class MeetingGone extends Error {
  constructor(readonly meetingId: string) {
    super(`meeting ${meetingId} was deleted`);
    this.name = 'MeetingGone';
  }
}

/** The status rules forbid the change (or the delete): every offending field is named. */
export class StatusRuleViolation extends Error {
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => v.message).join('; '));
    this.name = 'StatusRuleViolation';
  }
}

/** A meeting that breaks a rule across fields (an id listed twice, a price range that is not one). */
export class MeetingRuleViolation extends Error {
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => v.message).join('; '));
    this.name = 'MeetingRuleViolation';
  }
}

/**
 * An Idempotency-Key whose meeting cannot be replayed: it was created from another request body,
 * or it was erased at a data subject's request (its request is not kept). Nothing was written.
 */
export class IdempotencyKeyReused extends Error {
  constructor(readonly why: 'another body' | 'erased' = 'another body') {
    super(`the idempotency key cannot be used again (${why})`);
    this.name = 'IdempotencyKeyReused';
  }
}

/** An If-Match named no tag of the meeting as stored: another write came first. Nothing was written. */
export class PreconditionFailed extends Error {
  constructor(readonly meetingId: string) {
    super(`meeting ${meetingId} is not at a version the request names`);
    this.name = 'PreconditionFailed';
  }
}

/** A changes-feed position older than the deletions kept: the client must sync again from the start. */
export class FeedPositionExpired extends Error {
  constructor() {
    super('the position is older than the deletions kept');
    this.name = 'FeedPositionExpired';
  }
}

/** A webhook URL the service may not deliver to (scheme, credentials, or where its host resolves). */
export class WebhookUrlRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WebhookUrlRefused';
  }
}

export class ErasureNotFound extends Error {
  constructor(readonly erasureId: string) {
    super(`no erasure ${erasureId}`);
    this.name = 'ErasureNotFound';
  }
}

export class SubscriptionNotFound extends Error {
  constructor(readonly subscriptionId: string) {
    super(`no subscription ${subscriptionId}`);
    this.name = 'SubscriptionNotFound';
  }
}

/** A tenant already has as many subscriptions as it may. */
export class SubscriptionLimitReached extends Error {
  constructor(readonly limit: number) {
    super(`a tenant may have at most ${limit} subscriptions`);
    this.name = 'SubscriptionLimitReached';
  }
}

/** The agent, or the tenant, already has as many calendar feeds as it may. Nothing was written. */
export class CalendarFeedLimitReached extends Error {
  constructor(
    readonly of: 'agent' | 'tenant',
    readonly limit: number,
  ) {
    super(`${of === 'agent' ? 'an agent' : 'a tenant'} may have at most ${limit} calendar feeds`);
    this.name = 'CalendarFeedLimitReached';
  }
}

/** No calendar feed of the tenant has this id, or no feed has this token (unknown, revoked, malformed). */
export class CalendarFeedNotFound extends Error {
  constructor(readonly feedId: string) {
    super(`calendar feed ${feedId} not found`);
    this.name = 'CalendarFeedNotFound';
  }
}
