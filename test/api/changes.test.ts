/**
 * GET /meetings/changes over HTTP, rule by rule (contract-integration.md, "Delta sync that sees
 * deletions"). The runner's settle delay is shortened to 4 s (DynamoDB Local's indexes do not lag);
 * the follower under concurrent writers is test/reliability/changes-follower.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DELETION_RETENTION_MS } from '../../shared/domain/changes-feed.js';
import { encodeSince } from '../../shared/http/changes-parameters.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const SETTLE_SECONDS = 4;
process.env.CHANGES_SETTLE_SECONDS = String(SETTLE_SECONDS);
const settled = () => new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000 + 300));

const tenant = uniqueTenant();
const api = useApi(tenant);

type Change = { meetingId: string; changeType: 'CHANGED' | 'DELETED'; meeting?: unknown; deletionTime?: string };

/** Follows the feed to its end: every answer's changes, and the token to continue from. */
async function follow(since?: string, size?: number, options: { token?: string } = {}) {
  const changes: Change[][] = [];
  for (;;) {
    const query = new URLSearchParams({ ...(since ? { since } : {}), ...(size ? { size: String(size) } : {}) });
    const response = await api.call('GET', `/meetings/changes?${query.toString()}`, options);
    expect(response.status, response.text).toBe(200);
    changes.push(response.body.changes as Change[]);
    since = response.body.nextSince as string;
    if (!response.body.hasMore) return { pages: changes, changes: changes.flat(), since };
  }
}

describe('GET /meetings/changes', () => {
  it('lists every meeting from the start, as GET shows it, then continues with updates and deletions', async () => {
    const ids = [await api.create(meetingInput()), await api.create(meetingInput()), await api.create(meetingInput())];
    expect((await follow()).changes).toEqual([]); // nothing has settled yet
    await settled();
    const first = await follow();
    expect(first.changes.map((c) => c.meetingId)).toEqual(ids);
    for (const change of first.changes) {
      expect(change.changeType).toBe('CHANGED');
      expect(change.meeting).toEqual((await api.call('GET', `/meetings/${change.meetingId}`)).body);
    }
    expect((await follow(first.since)).changes).toEqual([]);

    const [updated, deleted] = ids as [string, string];
    expect((await api.call('PUT', `/meetings/${updated}`, { body: meetingInput({ notes: 'moved on' }) })).status).toBe(
      204,
    );
    const beforeDelete = Date.now();
    expect((await api.call('DELETE', `/meetings/${deleted}`)).status).toBe(204);
    await settled();
    const next = await follow(first.since);
    expect(next.changes).toEqual([
      {
        meetingId: updated,
        changeType: 'CHANGED',
        meeting: (await api.call('GET', `/meetings/${updated}`)).body,
      },
      { meetingId: deleted, changeType: 'DELETED', deletionTime: expect.any(String) },
    ]);
    const deletionTime = Date.parse(next.changes[1]!.deletionTime!);
    expect(deletionTime).toBeGreaterThanOrEqual(beforeDelete - 5);
    expect(deletionTime).toBeLessThanOrEqual(Date.now());
    // The deletion is still news to a client that starts now.
    expect((await follow()).changes.filter((c) => c.changeType === 'DELETED')).toEqual([next.changes[1]]);
    expect((await follow(next.since)).changes).toEqual([]);
  });

  it('pages with size and hasMore, each meeting once, in order', async () => {
    const api2Tenant = uniqueTenant();
    const token = tokenFor({ tenant: api2Tenant });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await api.create(meetingInput(), { token }));
    await settled();
    const { pages } = await follow(undefined, 2, { token });
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((c) => c.meetingId)).toEqual(ids);
  });

  it("never shows another tenant's changes, and refuses another tenant's token", async () => {
    const other = tokenFor({ tenant: uniqueTenant() });
    await api.create(meetingInput(), { token: other });
    await settled();
    const mine = await follow();
    const theirs = await follow(undefined, undefined, { token: other });
    expect(theirs.changes).toHaveLength(1);
    expect(mine.changes.map((c) => c.meetingId)).not.toContain(theirs.changes[0]!.meetingId);
    const refused = await api.call('GET', `/meetings/changes?since=${theirs.since}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ target: 'since', errorCode: 'INVALID_TYPE' })]);
  });

  it('answers 400 naming the parameter for a malformed since, a size out of range, or an unknown parameter', async () => {
    const cases: Array<[string, string, string]> = [
      ['since=not-a-token', 'since', 'INVALID_TYPE'],
      ['since=', 'since', 'VALUE_REQUIRED'],
      ['size=0', 'size', 'INVALID_TYPE'],
      ['size=1001', 'size', 'INVALID_TYPE'],
      ['size=ten', 'size', 'INVALID_TYPE'],
      ['size=1&size=2', 'size', 'INVALID_TYPE'],
      ['modifiedAfter=2026-01-01T00:00:00Z', 'modifiedAfter', 'INVALID_TYPE'],
    ];
    // Every bad parameter is named, since included.
    const both = await api.call('GET', '/meetings/changes?since=nope&size=0');
    expect(both.body.errors.map((e: { target: string }) => e.target).sort()).toEqual(['since', 'size']);
    for (const [query, target, errorCode] of cases) {
      const response = await api.call('GET', `/meetings/changes?${query}`);
      expect([response.status, response.body.errorCode], query).toEqual([400, 'BAD_REQUEST_PARAMETERS']);
      expect(response.body.errors, query).toEqual([expect.objectContaining({ target, errorCode })]);
    }
    expect((await api.call('GET', '/meetings/changes?size=1000')).status).toBe(200);
  });

  it('answers 410 GONE for a token older than the 30 days deletions are kept', async () => {
    const old = Date.now() - DELETION_RETENTION_MS - 60_000;
    const stale = encodeSince(tenant, { position: { time: new Date(old).toISOString() }, knownSince: old });
    const response = await api.call('GET', `/meetings/changes?since=${stale}`);
    expect([response.status, response.body.errorCode]).toEqual([410, 'GONE']);
    expect(response.body.description).toMatch(/rebuild your copy from empty/);
    const recent = Date.now() - DELETION_RETENTION_MS + 60_000;
    const valid = encodeSince(tenant, { position: { time: new Date(recent).toISOString() }, knownSince: recent });
    expect((await api.call('GET', `/meetings/changes?since=${valid}`)).status).toBe(200);
  });
});
