/**
 * Agents' calendar feeds, black-box against the functions as deployed (contract-calendar-import.md,
 * "Calendar feeds"): made with the write scope, listed without tokens, read by calendar apps with
 * neither a token nor a Request-ID, revoked; the document parsed as a calendar app would.
 */
import { randomUUID } from 'node:crypto';
import nodeIcal, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const events = (text: string) =>
  Object.values(nodeIcal.sync.parseICS(text)).filter((entry): entry is VEvent => entry?.type === 'VEVENT');

async function newFeed(agentId: string, detail?: string) {
  const response = await api.call('POST', '/calendar-feeds', { body: { agentId, ...(detail ? { detail } : {}) } });
  expect(response.status).toBe(201);
  return response;
}

/** As a calendar app polls: no Authorization, no Request-ID. */
const poll = (url: string, headers: Record<string, string> = {}) =>
  api.call('GET', url, { token: null, requestId: null, headers });

describe('calendar feeds', () => {
  it('makes a feed whose secret address is shown once; lists feeds without it; needs the write scope to make one', async () => {
    const agentId = randomUUID();
    const created = await newFeed(agentId);
    expect(created.body).toMatchObject({ agentId, detail: 'STANDARD' });
    expect(created.body.url).toMatch(/^\/calendars\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(created.headers.get('location')).toBe(`/calendar-feeds/${created.body.feedId}`);
    const list = await api.call('GET', '/calendar-feeds');
    expect(list.status).toBe(200);
    const { url: _url, ...listed } = created.body;
    expect(list.body.feeds).toContainEqual(listed);
    expect(list.text).not.toContain(created.body.url.slice(11, 54));
    const readOnly = await api.call('POST', '/calendar-feeds', {
      token: tokenFor({ tenant, readOnly: true }),
      body: { agentId },
    });
    expect(readOnly.status).toBe(403);
  });

  it("serves the agent's meetings as text/calendar to an app without token or Request-ID, with ETag and 304", async () => {
    const agentId = randomUUID();
    const input = meetingInput({ agents: [{ agentId }], visitTime: inDays(3) });
    const meetingId = await api.create(input);
    await api.create(meetingInput({ agents: [{ agentId }], visitTime: inDays(4), statusCode: 'CANCELLED' }));
    const { url } = (await newFeed(agentId, 'BUSY')).body;

    const first = await poll(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('private, max-age=300');
    expect(first.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/); // made for the app
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const [event, ...others] = events(first.text);
    expect(others).toHaveLength(0);
    expect(event).toMatchObject({ uid: `${meetingId}@meeting-api`, summary: 'Busy' });

    const again = await poll(url, { 'If-None-Match': etag });
    expect([again.status, again.text, again.headers.get('etag')]).toEqual([304, '', etag]);
    const requestId = randomUUID();
    const withId = await api.call('GET', url, { token: null, requestId });
    expect(withId.headers.get('request-id')).toBe(requestId);

    // A write shows at the next poll, with a higher SEQUENCE.
    expect((await api.call('PUT', `/meetings/${meetingId}`, { body: { ...input, statusCode: 'WON' } })).status).toBe(
      204,
    );
    const changed = await poll(url, { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(Number(events(changed.text)[0]!.sequence)).toBe(1);
  });

  it('answers 404 INVALID_ID alike for a revoked, unknown or malformed address', async () => {
    const created = (await newFeed(randomUUID())).body;
    expect((await poll(created.url)).status).toBe(200);
    expect((await api.call('DELETE', `/calendar-feeds/${created.feedId}`)).status).toBe(204);
    expect((await api.call('DELETE', `/calendar-feeds/${created.feedId}`)).status).toBe(404);
    const answers = await Promise.all(
      [
        created.url,
        `/calendars/${'A'.repeat(43)}.ics`,
        '/calendars/short.ics',
        created.url.replace('.ics', '.txt'),
      ].map((url) => poll(url)),
    );
    for (const answer of answers) expect([answer.status, answer.body.errorCode]).toEqual([404, 'INVALID_ID']);
    expect(new Set(answers.map((answer) => answer.body.message)).size).toBe(1);
  });

  it('refuses an 11th feed of an agent and bad bodies with 400, writing nothing', async () => {
    const agentId = randomUUID();
    const tenantOwn = uniqueTenant();
    const token = tokenFor({ tenant: tenantOwn });
    for (let i = 0; i < 10; i++)
      expect((await api.call('POST', '/calendar-feeds', { token, body: { agentId } })).status).toBe(201);
    const eleventh = await api.call('POST', '/calendar-feeds', { token, body: { agentId } });
    expect([eleventh.status, eleventh.body.errors?.[0]?.target]).toEqual([400, 'agentId']);
    for (const body of [{}, { agentId: 'x' }, { agentId, detail: 'SOME' }, { agentId, extra: 1 }]) {
      const refused = await api.call('POST', '/calendar-feeds', { token, body });
      expect([refused.status, refused.body.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
    }
    expect((await api.call('GET', '/calendar-feeds', { token })).body.feeds).toHaveLength(10);
  });
});
