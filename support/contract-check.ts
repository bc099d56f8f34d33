/**
 * The contract conformance check of a response, shared by the API tests (test/support/api-client.ts)
 * and the smoke check of a deployment (scripts/smoke.ts), so that both judge answers alike: a
 * status the operation declares, a body in its schema (none where it has none), the Request-ID
 * echoed. Statuses and schemas come from the OpenAPI document through the generated modules.
 */
import { operations } from '../shared/generated/contract.js';
import { validate as validateCalendarFeedCreated } from '../shared/generated/validators/CalendarFeedCreated.cjs';
import { validate as validateCalendarFeedList } from '../shared/generated/validators/CalendarFeedList.cjs';
import { validate as validateErasure } from '../shared/generated/validators/Erasure.cjs';
import { validate as validateError } from '../shared/generated/validators/Error.cjs';
import { validate as validateMeeting } from '../shared/generated/validators/Meeting.cjs';
import { validate as validateMeetingBatchResults } from '../shared/generated/validators/MeetingBatchResults.cjs';
import { validate as validateMeetingChanges } from '../shared/generated/validators/MeetingChanges.cjs';
import { validate as validateMeetingCreated } from '../shared/generated/validators/MeetingCreated.cjs';
import { validate as validateMeetingHistory } from '../shared/generated/validators/MeetingHistory.cjs';
import { validate as validateMeetingSearchResult } from '../shared/generated/validators/MeetingSearchResult.cjs';
import { validate as validatePartyExport } from '../shared/generated/validators/PartyExport.cjs';
import { validate as validateSubscriptionCreated } from '../shared/generated/validators/SubscriptionCreated.cjs';
import { validate as validateSubscriptionList } from '../shared/generated/validators/SubscriptionList.cjs';
import { matchRoute } from '../shared/routes.js';

const responseValidators: Record<string, typeof validateMeeting> = {
  CalendarFeedCreated: validateCalendarFeedCreated,
  CalendarFeedList: validateCalendarFeedList,
  Erasure: validateErasure,
  Error: validateError,
  Meeting: validateMeeting,
  MeetingBatchResults: validateMeetingBatchResults,
  MeetingChanges: validateMeetingChanges,
  MeetingCreated: validateMeetingCreated,
  MeetingHistory: validateMeetingHistory,
  MeetingSearchResult: validateMeetingSearchResult,
  PartyExport: validatePartyExport,
  SubscriptionCreated: validateSubscriptionCreated,
  SubscriptionList: validateSubscriptionList,
};

export interface CheckedResponse {
  status: number;
  headers: Headers;
  /** The body as received ('' when there is none). */
  text: string;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  body: unknown;
}

/** A fetch Response read whole, as the check takes it: its text, and that text as JSON when it is JSON. */
export async function readCheckedResponse(response: Response): Promise<CheckedResponse> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/**
 * What in `response` deviates from the contract, or undefined when nothing does. `path` is the
 * API's path (as in the document, query allowed), not a deployment's full URL path; `requestId`
 * is the Request-ID sent (null: none sent, so no echo is expected).
 */
export function contractDeviation(
  method: string,
  path: string,
  requestId: string | null,
  response: CheckedResponse,
): string | undefined {
  if (requestId !== null && response.headers.get('request-id') !== requestId) return 'Request-ID not echoed';
  const route = matchRoute(method, path.split('?')[0]!)?.route;
  const operation = route && operations.find((op) => op.operationId === route.operationId);
  // A path no operation has can only get an error answer.
  const schema = operation ? (operation.responses as Record<string, string | null>)[String(response.status)] : 'Error';
  if (schema === undefined) return `status not declared for ${operation!.operationId}`;
  if (schema === null) return response.text === '' ? undefined : 'body where the contract has none';
  if (schema.startsWith('text:')) {
    const mediaType = schema.slice('text:'.length);
    if (!response.headers.get('content-type')?.startsWith(mediaType)) return `not ${mediaType}`;
    return response.text === '' ? `an empty ${mediaType} body` : undefined;
  }
  const validate = responseValidators[schema]!;
  if (validate(response.body)) return undefined;
  // The validator's first complaint says what is wrong; the body's start says what came.
  const error = validate.errors?.[0];
  const why = error ? ` (${error.instancePath || '/'}: ${error.keyword} ${JSON.stringify(error.params)})` : '';
  return `body does not match ${schema}${why}: ${response.text.slice(0, 300)}`;
}

/** contractDeviation as an assertion: throws "METHOD path -> status: what deviates". */
export function assertConformsToContract(
  method: string,
  path: string,
  requestId: string | null,
  response: CheckedResponse,
): void {
  const deviation = contractDeviation(method, path, requestId, response);
  if (deviation !== undefined) throw new Error(`${method} ${path} -> ${response.status}: ${deviation}`);
}
