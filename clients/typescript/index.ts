/**
 * A typed client of the Meeting API, built from openapi/meeting-api.yaml (openapi-typescript types,
 * openapi-fetch requests). Every call sends the bearer token and a fresh Request-ID; an error
 * answer becomes a MeetingApiError carrying the house error body.
 *
 *   const api = createMeetingApiClient({ baseUrl: 'http://127.0.0.1:3000', token });
 *   const { meetingId } = await api.createMeeting(input);
 *   const { meetings, totalCount } = await api.searchMeetings({ statusCode: ['WAITING'], sort: ['visitTime|desc'] });
 *   const { changes, nextSince, hasMore } = await api.listMeetingChanges({ since: savedToken });
 */
import createClient from 'openapi-fetch';
import type { components, operations, paths } from './generated/schema.js';

export type Meeting = components['schemas']['Meeting'];
export type MeetingInput = components['schemas']['MeetingInput'];
export type MeetingSearchResult = components['schemas']['MeetingSearchResult'];
export type ErrorBody = components['schemas']['Error'];
export type SearchQuery = NonNullable<operations['searchMeetings']['parameters']['query']>;
export type MeetingChanges = components['schemas']['MeetingChanges'];
export type MeetingChange = components['schemas']['MeetingChange'];
export type MeetingHistory = components['schemas']['MeetingHistory'];
export type HistoryEntry = components['schemas']['HistoryEntry'];
export type Subscription = components['schemas']['Subscription'];
export type SubscriptionRequest = components['schemas']['SubscriptionRequest'];

export class MeetingApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly requestId: string,
    /** The answer's Retry-After in seconds (429, 503), when it sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${body.errorCode}: ${body.message}`);
    this.name = 'MeetingApiError';
  }
}

export interface MeetingApiClientOptions {
  /** e.g. http://127.0.0.1:3000 or the stack's ApiUrl */
  baseUrl: string;
  /** A bearer JWT, or a function returning one (to refresh tokens). */
  token: string | (() => string | Promise<string>);
  /** The partner key, sent as x-api-key: needed where the deployment requires partner keys. */
  apiKey?: string;
  fetch?: typeof globalThis.fetch;
  /** Request-ID of each call; default crypto.randomUUID(). */
  requestId?: () => string;
}

export function createMeetingApiClient(options: MeetingApiClientOptions) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    fetch: options.fetch,
    // Array filters as repeated parameters (statusCode=WON&statusCode=LOST), as the API reads them.
    querySerializer: { array: { style: 'form', explode: true } },
  });
  client.use({
    async onRequest({ request }) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      request.headers.set('Authorization', `Bearer ${token}`);
      // The header the document's partnerKey security scheme names.
      if (options.apiKey !== undefined) request.headers.set('x-api-key', options.apiKey);
      return request;
    },
  });
  const header = () => ({ 'Request-ID': (options.requestId ?? (() => crypto.randomUUID()))() });

  async function unwrap<T>(
    call: Promise<{ data?: T; error?: unknown; response: Response }>,
    requestId: string,
  ): Promise<T> {
    const { data, error, response } = await call;
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('Retry-After') ?? Number.NaN);
      throw new MeetingApiError(
        response.status,
        error as ErrorBody,
        requestId,
        Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
      );
    }
    return data as T;
  }

  /**
   * One page of who changed what in the meeting, oldest first; pass `nextCursor` back as `cursor`
   * for the next page (absent on the last one). Deleted meetings keep theirs.
   */
  function getMeetingHistory(
    meetingId: string,
    query: { size?: number; cursor?: string } = {},
  ): Promise<MeetingHistory> {
    const h = header();
    return unwrap(
      client.GET('/meetings/{meetingId}/history', { params: { header: h, path: { meetingId }, query } }),
      h['Request-ID'],
    );
  }

  return {
    /** The underlying openapi-fetch client, for anything the helpers do not cover. */
    raw: client,
    /** With `idempotencyKey`, safe to retry: the same key and body always answer the same meetingId. */
    async createMeeting(input: MeetingInput, options: { idempotencyKey?: string } = {}) {
      const h = { ...header(), ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}) };
      const call = client.POST('/meetings', { params: { header: h }, body: input });
      const { meetingId } = await unwrap(call, h['Request-ID']);
      return { meetingId, replayed: (await call).response.headers.get('Idempotent-Replayed') === 'true' };
    },
    /**
     * Up to 100 creates in one request, each as `createMeeting` with its `idempotencyKey`: one
     * result per item, in item order (201 with `meetingId` and `replayed`, or the item's status and
     * error). Safe to send again whole.
     */
    createMeetingsBatch(items: Array<{ idempotencyKey: string; meeting: MeetingInput }>) {
      const h = header();
      return unwrap(client.POST('/meetings/batch', { params: { header: h }, body: { items } }), h['Request-ID']);
    },
    searchMeetings(query: SearchQuery = {}) {
      const h = header();
      return unwrap(client.GET('/meetings', { params: { header: h, query } }), h['Request-ID']);
    },
    /**
     * The changes after `since` (from the start without it). Apply them in order (CHANGED: store
     * the meeting; DELETED: drop it), keep `nextSince`, and call again with it, also when `hasMore`
     * is false. A 410 means the token is older than 30 days: empty the copy and follow again without `since`.
     */
    listMeetingChanges(query: { since?: string; size?: number } = {}): Promise<MeetingChanges> {
      const h = header();
      return unwrap(client.GET('/meetings/changes', { params: { header: h, query } }), h['Request-ID']);
    },
    getMeetingHistory,
    /** Every entry of the meeting's history, following the pages. */
    async allMeetingHistory(meetingId: string): Promise<HistoryEntry[]> {
      const entries: HistoryEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await getMeetingHistory(meetingId, { size: 100, ...(cursor ? { cursor } : {}) });
        entries.push(...page.entries);
        cursor = page.nextCursor;
      } while (cursor);
      return entries;
    },
    /** Subscribes a webhook; keep the returned `secret` to verify signatures (it is never shown again). */
    createSubscription(request: SubscriptionRequest) {
      const h = header();
      return unwrap(client.POST('/subscriptions', { params: { header: h }, body: request }), h['Request-ID']);
    },
    listSubscriptions() {
      const h = header();
      return unwrap(client.GET('/subscriptions', { params: { header: h } }), h['Request-ID']);
    },
    async deleteSubscription(subscriptionId: string) {
      const h = header();
      await unwrap(
        client.DELETE('/subscriptions/{subscriptionId}', { params: { header: h, path: { subscriptionId } } }),
        h['Request-ID'],
      );
    },
    getMeeting(meetingId: string) {
      const h = header();
      return unwrap(
        client.GET('/meetings/{meetingId}', { params: { header: h, path: { meetingId } } }),
        h['Request-ID'],
      );
    },
    /** The meeting with its entity tag, to send back in `ifMatch` (no lost updates). */
    async readMeeting(meetingId: string): Promise<{ meeting: Meeting; etag: string }> {
      const h = header();
      const call = client.GET('/meetings/{meetingId}', { params: { header: h, path: { meetingId } } });
      const meeting = await unwrap(call, h['Request-ID']);
      return { meeting, etag: (await call).response.headers.get('ETag') ?? '' };
    },
    /** With `ifMatch` (an etag read before), 412 PRECONDITION_FAILED if the meeting changed since. */
    async updateMeeting(meetingId: string, input: MeetingInput, options: { ifMatch?: string } = {}) {
      const h = { ...header(), ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}) };
      const call = client.PUT('/meetings/{meetingId}', { params: { header: h, path: { meetingId } }, body: input });
      await unwrap(call, h['Request-ID']);
      return { etag: (await call).response.headers.get('ETag') ?? '' };
    },
    async deleteMeeting(meetingId: string, options: { ifMatch?: string } = {}) {
      const h = { ...header(), ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}) };
      await unwrap(
        client.DELETE('/meetings/{meetingId}', { params: { header: h, path: { meetingId } } }),
        h['Request-ID'],
      );
    },
  };
}

export type MeetingApiClient = ReturnType<typeof createMeetingApiClient>;
