/**
 * The one place where errors become HTTP answers: domain errors and the edge's own ApiErrors to a
 * status and a house error body; anything else is a 500 that reveals nothing.
 */
import {
  ErasureNotFound,
  FeedPositionExpired,
  SubscriptionLimitReached,
  SubscriptionNotFound,
  WebhookUrlRefused,
  CalendarFeedLimitReached,
  CalendarFeedNotFound,
  IdempotencyKeyReused,
  MeetingGone,
  MeetingNotFound,
  MeetingRuleViolation,
  PreconditionFailed,
  StatusRuleViolation,
  type FieldViolation,
} from '../domain/errors.js';
import { StorageUnavailableError } from '../domain/meeting-repository.js';
import {
  ApiError,
  badRequestBody,
  changesTokenExpired,
  gone,
  idempotencyKeyReused,
  invalidId,
  invalidStatus,
  preconditionFailed,
  serviceUnavailable,
  technicalError,
  type ErrorItem,
} from './api-error.js';

const items = (violations: FieldViolation[], errorCode: ErrorItem['errorCode']): ErrorItem[] =>
  violations.map(({ field, message }) => ({ target: field, errorCode, message }));

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof MeetingNotFound) return invalidId();
  if (error instanceof SubscriptionNotFound) return invalidId();
  if (error instanceof ErasureNotFound) return invalidId();
  if (error instanceof CalendarFeedNotFound) return invalidId();
  if (error instanceof CalendarFeedLimitReached)
    return badRequestBody([{ target: 'agentId', errorCode: 'BAD_REQUEST_BODY', message: error.message }]);
  if (error instanceof SubscriptionLimitReached)
    return badRequestBody([{ target: 'url', errorCode: 'BAD_REQUEST_BODY', message: error.message }]);
  if (error instanceof WebhookUrlRefused)
    return badRequestBody([{ target: 'url', errorCode: 'BAD_REQUEST_BODY', message: error.reason }]);
  if (error instanceof MeetingGone) return gone();
  if (error instanceof FeedPositionExpired) return changesTokenExpired();
  if (error instanceof PreconditionFailed) return preconditionFailed();
  if (error instanceof IdempotencyKeyReused) return idempotencyKeyReused(error.why);
  if (error instanceof StatusRuleViolation) return invalidStatus(items(error.violations, 'INVALID_STATUS'));
  if (error instanceof MeetingRuleViolation) return badRequestBody(items(error.violations, 'BAD_REQUEST_BODY'));
  if (error instanceof StorageUnavailableError) return serviceUnavailable();
  return technicalError();
}
