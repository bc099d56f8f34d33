/**
 * Calendar feeds on DynamoDB Local: the limits hold under concurrency (the counts are conditions
 * of the same transaction), a revoked address answers nothing and frees its place, a tenant's
 * list never shows a token, and the agent index gives an agent's meetings of a window.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import type { CalendarFeed } from '../../shared/domain/calendar-feed-repository.js';
import { CalendarFeedLimitReached } from '../../shared/domain/errors.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbCalendarFeedRepository } from '../../shared/dynamodb/dynamodb-calendar-feed-repository.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { createMeeting } from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN, uniqueTenant } from '../../support/fixtures.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const feeds = new DynamoDbCalendarFeedRepository(client, config.tableName);
const limits = { agent: 10, tenant: 1_000 };
const hashOf = () => createHash('sha256').update(randomUUID()).digest('hex');
const feed = (agentId: string, createdAt = new Date().toISOString()): CalendarFeed => ({
  feedId: randomUUID(),
  agentId,
  detail: 'STANDARD',
  createdAt,
});

describe('calendar feeds in storage', () => {
  it("keeps an agent's limit under 15 concurrent creates: exactly 10 stored, the rest refused", async () => {
    const tenant = uniqueTenant();
    const agent = randomUUID();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 15 }, () => feeds.create(tenant, feed(agent), hashOf(), limits)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    for (const refused of outcomes.filter((o) => o.status === 'rejected'))
      expect(refused.reason).toEqual(new CalendarFeedLimitReached('agent', 10));
    expect(await feeds.list(tenant)).toHaveLength(10);
  });

  it("keeps the tenant's limit across agents", async () => {
    const tenant = uniqueTenant();
    for (let i = 0; i < 3; i++) await feeds.create(tenant, feed(randomUUID()), hashOf(), { agent: 10, tenant: 3 });
    await expect(feeds.create(tenant, feed(randomUUID()), hashOf(), { agent: 10, tenant: 3 })).rejects.toEqual(
      new CalendarFeedLimitReached('tenant', 3),
    );
  });

  it('finds a feed by its token hash until revoked; a revocation frees its place; the list shows no token', async () => {
    const tenant = uniqueTenant();
    const agent = randomUUID();
    const first = feed(agent, '2026-12-01T10:00:00.000Z');
    const second = feed(agent, '2026-12-01T11:00:00.000Z');
    const hash = hashOf();
    await feeds.create(tenant, second, hashOf(), { agent: 2, tenant: 2 });
    await feeds.create(tenant, first, hash, { agent: 2, tenant: 2 });
    expect(await feeds.addressOf(hash)).toEqual({
      tenantId: tenant,
      feedId: first.feedId,
      agentId: agent,
      detail: 'STANDARD',
    });
    expect(await feeds.list(tenant)).toEqual([first, second]);
    expect(await feeds.revoke(tenant, first.feedId)).toBe(true);
    expect(await feeds.addressOf(hash)).toBeUndefined();
    expect(await feeds.revoke(tenant, first.feedId)).toBe(false);
    expect(await feeds.revoke(uniqueTenant(), second.feedId)).toBe(false); // another tenant's
    await feeds.create(tenant, feed(agent), hashOf(), { agent: 2, tenant: 2 }); // the place is free again
  });

  it("lists an agent's meetings with a visitTime in the window, bounds included", async () => {
    const tenant = uniqueTenant();
    const agent = randomUUID();
    const deps = { repository: new DynamoDbMeetingRepository(client, config.tableName) };
    const times = [
      '2026-01-01T00:00:00.000Z',
      '2026-06-01T12:00:00.000Z',
      '2026-12-31T23:59:59.000Z',
      '2027-01-01T00:00:00.000Z',
    ];
    const ids: string[] = [];
    for (const visitTime of times)
      ids.push(
        (await createMeeting(deps, tenant, meetingInput({ visitTime, agents: [{ agentId: agent }] }), ORIGIN))
          .meetingId,
      );
    await createMeeting(deps, tenant, meetingInput({ visitTime: times[1] }), ORIGIN); // another agent's
    const visits = await feeds.agentVisits(tenant, agent, { from: times[0]!, to: times[2]! });
    expect(visits).toEqual(
      ids.slice(0, 3).map((meetingId, i) => ({ meetingId, visitTime: times[i], statusCode: 'WAITING' })),
    );
  });
});
