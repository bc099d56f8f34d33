/**
 * What the authorizer does with a refusal: count it by its bounded reason and log it with the
 * request's ids and what was seen. Its own module, imported on the first refusal: an allowed
 * request, the one every cold API call waits for, loads neither the logger nor the metrics.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { echoableRequestId } from '../../shared/http/headers.js';
import { logger } from '../../shared/logger.js';
import { AUTHORIZER_OPERATION, OperationMetrics, type RejectionReason } from '../../shared/metrics.js';

/**
 * The authorizer writes no ColdStart: it cost +0.09x on the authorizer's cold request
 * (bench:coldstart), which runs before every cold API call; Lambda's own REPORT line gives its
 * Init Duration.
 */
const metrics = new OperationMetrics(AUTHORIZER_OPERATION);

export function recordRefusal(
  event: APIGatewayRequestAuthorizerEvent,
  message: string,
  reason: RejectionReason,
  detail: string,
): void {
  metrics.authorizerRejection(reason);
  logger.info(message, {
    requestId: echoableRequestId({ headers: event.headers ?? {} }) ?? 'none',
    gatewayRequestId: event.requestContext?.requestId,
    reason,
    detail,
  });
}
