/**
 * Calendar feeds through their use cases on DynamoDB Local: a feed lists the agent's WAITING, WON
 * and LOST meetings of its window at its detail level; a write shows at the next read with a
 * higher SEQUENCE; a cancelled or deleted meeting leaves; a revoked, unknown or malformed token
 * reads nothing. Parsed with node-ical, as a calendar app would.
 */
import { randomUUID } from 'node:crypto';
import nodeIcal, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { CalendarFeedNotFound } from '../../shared/domain/errors.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbCalendarFeedRepository } from '../../shared/dynamodb/dynamodb-calendar-feed-repository.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import {
  createCalendarFeed,
  listCalendarFeeds,
  readCalendarFeed,
  revokeCalendarFeed,
  type CalendarFeedDeps,
} from '../../shared/use-cases/calendar-feed-use-cases.js';
import { createMeeting, deleteMeeting, updateMeeting } from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN, uniqueTenant } from '../../support/fixtures.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const repository = new DynamoDbMeetingRepository(client, config.tableName);
const deps: CalendarFeedDeps = {
  feeds: new DynamoDbCalendarFeedRepository(client, config.tableName),
  repository,
  eventMinutes: 60,
};
const meetingDeps = { repository };

const events = (text: string) =>
  Object.values(nodeIcal.sync.parseICS(text)).filter((entry): entry is VEvent => entry?.type === 'VEVENT');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('calendar feeds', () => {
  it("shows the agent's meetings at the feed's detail, follows writes, and stops at revocation", async () => {
    const tenant = uniqueTenant();
    const agentId = randomUUID();
    const agents = [{ agentId }];
    const realty = {
      categoryCode: 'SALE' as const,
      streetAddress: 'Mannerheimintie 1',
      postcode: '00100',
      postalArea: 'Helsinki',
    };
    const waitingInput = meetingInput({ agents, visitTime: inDays(2), meetingRealty: realty, notes: 'bring keys' });
    const waiting = (await createMeeting(meetingDeps, tenant, waitingInput, ORIGIN)).meetingId;
    const cancelled = (
      await createMeeting(
        meetingDeps,
        tenant,
        meetingInput({ agents, visitTime: inDays(3), statusCode: 'CANCELLED' }),
        ORIGIN,
      )
    ).meetingId;
    const deleted = (await createMeeting(meetingDeps, tenant, meetingInput({ agents, visitTime: inDays(4) }), ORIGIN))
      .meetingId;
    const farAway = (await createMeeting(meetingDeps, tenant, meetingInput({ agents, visitTime: inDays(500) }), ORIGIN))
      .meetingId;
    const othersAgent = (await createMeeting(meetingDeps, tenant, meetingInput({ visitTime: inDays(2) }), ORIGIN))
      .meetingId;

    const { feed, token } = await createCalendarFeed(deps, tenant, { agentId, detail: 'FULL' });
    const busy = await createCalendarFeed(deps, tenant, { agentId, detail: 'BUSY' });
    expect(feed).toMatchObject({ agentId, detail: 'FULL' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await listCalendarFeeds(deps, tenant)).toEqual(expect.arrayContaining([feed, busy.feed]));

    const before = events(await readCalendarFeed(deps, token));
    expect(before.map((event) => event.uid).sort()).toEqual(
      [`${deleted}@meeting-api`, `${waiting}@meeting-api`].sort(),
    );
    for (const id of [cancelled, farAway, othersAgent])
      expect(before.map((e) => e.uid)).not.toContain(`${id}@meeting-api`);
    const shown = before.find((event) => event.uid === `${waiting}@meeting-api`)!;
    expect(shown).toMatchObject({
      summary: 'Sales meeting',
      location: 'Mannerheimintie 1, 00100 Helsinki',
      description: 'bring keys',
    });
    expect(Number(shown.sequence)).toBe(0);
    const busyEvent = events(await readCalendarFeed(deps, busy.token)).find((e) => e.uid === shown.uid)!;
    expect(busyEvent.summary).toBe('Busy');
    expect(busyEvent.location).toBeUndefined();
    expect(busyEvent.description).toBeUndefined();

    await updateMeeting(meetingDeps, tenant, waiting, { ...waitingInput, statusCode: 'WON' }, ORIGIN);
    await deleteMeeting(meetingDeps, tenant, deleted, ORIGIN);
    const after = events(await readCalendarFeed(deps, token));
    expect(after.map((event) => event.uid)).toEqual([`${waiting}@meeting-api`]);
    expect(after[0]).toMatchObject({ summary: 'Sales meeting (won)' });
    expect(Number(after[0]!.sequence)).toBe(1);

    await revokeCalendarFeed(deps, tenant, feed.feedId);
    await expect(readCalendarFeed(deps, token)).rejects.toBeInstanceOf(CalendarFeedNotFound);
    await expect(revokeCalendarFeed(deps, tenant, feed.feedId)).rejects.toBeInstanceOf(CalendarFeedNotFound);
    for (const bad of ['', 'short', `${token}x`, token.replace(/./, '!')])
      await expect(readCalendarFeed(deps, bad)).rejects.toBeInstanceOf(CalendarFeedNotFound);
  });
});
