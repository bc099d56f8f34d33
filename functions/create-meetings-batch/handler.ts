/**
 * POST /meetings/batch: the envelope is checked whole (a bad one writes nothing), then each item is
 * a keyed POST /meetings whose answer becomes its result.
 */
import { meetingDeps } from '../../shared/composition.js';
import type { components } from '../../shared/generated/api-types.js';
import { validate as validateMeetingBatchRequest } from '../../shared/generated/validators/MeetingBatchRequest.cjs';
import { toApiError } from '../../shared/http/error-mapping.js';
import { echoableRequestId } from '../../shared/http/headers.js';
import { readJsonBody } from '../../shared/http/json-body.js';
import { parseMeetingValue } from '../../shared/http/meeting-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { logger } from '../../shared/logger.js';
import { createMeetingsBatch, type BatchOutcome } from '../../shared/use-cases/meeting-batch-use-cases.js';

const deps = meetingDeps();

/**
 * A batch body at most: room for many meetings, and under Lambda's 6 MB limit on an invocation's
 * payload, which the event's own fields and JSON escaping add to.
 */
const MAX_BATCH_BODY_BYTES = 5 * 1024 * 1024;

type Result = components['schemas']['MeetingBatchResult'];

export const handler = apiHandler('createMeetingsBatch', async (event, { tenantId, origin }) => {
  const { items } = readJsonBody(event, validateMeetingBatchRequest, MAX_BATCH_BODY_BYTES) as {
    items: Array<{ idempotencyKey: string; meeting: unknown }>;
  };
  const outcomes = await createMeetingsBatch(
    deps,
    tenantId,
    items.map((item) => ({ idempotencyKey: item.idempotencyKey, input: () => parseMeetingValue(item.meeting) })),
    origin,
  );
  const resultOf = (outcome: BatchOutcome, index: number): Result => {
    if (outcome.created) return { index, status: 201, meetingId: outcome.meetingId, replayed: outcome.replayed };
    const apiError = toApiError(outcome.error);
    if (apiError.status >= 500)
      logger.error('batch item failed', {
        requestId: echoableRequestId(event) ?? 'none',
        index,
        statusCode: apiError.status,
        error: outcome.error as Error,
      });
    return { index, status: apiError.status as Result['status'], error: apiError.toBody() };
  };
  return json(200, { results: outcomes.map(resultOf) });
});
