import { describe, expect, it } from 'vitest';
import { createMeetingApiClient, MeetingApiError } from '../../clients/typescript/index.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

process.env.CHANGES_SETTLE_SECONDS = '1';
const tenant = uniqueTenant();
const api = useApi(tenant);

describe('typed TypeScript client (clients/typescript)', () => {
  it('creates meetings in a batch, one result per item in item order', async () => {
    const own = uniqueTenant(); // the flow below counts its tenant's changes
    const client = createMeetingApiClient({ baseUrl: api.baseUrl, token: () => tokenFor({ tenant: own }) });
    const key = crypto.randomUUID();
    const { results } = await client.createMeetingsBatch([
      { idempotencyKey: key, meeting: meetingInput() },
      { idempotencyKey: crypto.randomUUID(), meeting: { ...meetingInput(), visitTime: 'tomorrow' } },
    ]);
    expect(results.map((result) => [result.index, result.status])).toEqual([
      [0, 201],
      [1, 400],
    ]);
    expect(results[1]!.error?.errorCode).toBe('BAD_REQUEST_BODY');
    expect((await client.getMeeting(results[0]!.meetingId!)).meetingId).toBe(results[0]!.meetingId);
  });

  it('runs a full create -> search -> update -> delete flow', async () => {
    const client = createMeetingApiClient({ baseUrl: api.baseUrl, token: () => tokenFor({ tenant }) });
    const input = meetingInput({ notes: 'Typed client flow' });
    const { meetingId } = await client.createMeeting(input);

    const found = await client.searchMeetings({
      agentId: [input.agents[0]!.agentId],
      statusCode: ['WAITING', 'WON'],
      sort: ['visitTime|desc'],
    });
    expect(found.totalCount).toBe(1);
    expect(found.meetings[0]).toMatchObject({ meetingId, notes: 'Typed client flow' });

    await client.updateMeeting(meetingId, { ...input, statusCode: 'WON' });
    expect((await client.getMeeting(meetingId)).statusCode).toBe('WON');

    const refused = await client.deleteMeeting(meetingId).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MeetingApiError);
    expect((refused as MeetingApiError).status).toBe(400);
    expect((refused as MeetingApiError).body.errorCode).toBe('INVALID_STATUS');

    // No lost updates: an etag read before another write is refused.
    const { meeting, etag } = await client.readMeeting(meetingId);
    expect(meeting.statusCode).toBe('WON');
    const { etag: next } = await client.updateMeeting(meetingId, { ...input, statusCode: 'LOST' }, { ifMatch: etag });
    expect(next).not.toBe(etag);
    const stale = await client
      .updateMeeting(meetingId, { ...input, statusCode: 'WON' }, { ifMatch: etag })
      .catch((error: unknown) => error as MeetingApiError);
    expect([(stale as MeetingApiError).status, (stale as MeetingApiError).body.errorCode]).toEqual([
      412,
      'PRECONDITION_FAILED',
    ]);
    const created = await client.createMeeting(meetingInput());
    await client.deleteMeeting(created.meetingId);
    const gone = await client.getMeeting(created.meetingId).then(
      () => undefined,
      (error: unknown) => error as MeetingApiError,
    );
    expect([gone?.status, gone?.body.errorCode]).toEqual([410, 'GONE']);
    // Who changed what: the deleted meeting's history stays readable.
    expect((await client.allMeetingHistory(created.meetingId)).map((entry) => entry.changeType)).toEqual([
      'CREATED',
      'DELETED',
    ]);
    const page = await client.getMeetingHistory(meetingId, { size: 2 });
    expect([page.entries.map((entry) => entry.version), typeof page.nextCursor]).toEqual([[1, 2], 'string']);

    // A copy kept in sync through the changes feed: the first meeting (LOST), the second deleted.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const feed = await client.listMeetingChanges({ size: 1000 });
    expect(feed.hasMore).toBe(false);
    expect(feed.changes).toEqual([
      { meetingId, changeType: 'CHANGED', meeting: await client.getMeeting(meetingId) },
      { meetingId: created.meetingId, changeType: 'DELETED', deletionTime: expect.any(String) },
    ]);
    expect(await client.listMeetingChanges({ since: feed.nextSince })).toMatchObject({ changes: [], hasMore: false });

    // Webhook subscriptions: the secret once, never in a listing.
    const subscription = await client.createSubscription({ url: 'http://127.0.0.1:4200/hook' });
    expect(subscription.secret.length).toBeGreaterThan(20);
    expect((await client.listSubscriptions()).subscriptions).toEqual([
      {
        subscriptionId: subscription.subscriptionId,
        url: subscription.url,
        eventTypes: subscription.eventTypes,
        creationTime: subscription.creationTime,
      },
    ]);
    await client.deleteSubscription(subscription.subscriptionId);
    expect((await client.listSubscriptions()).subscriptions).toEqual([]);
  });
});
