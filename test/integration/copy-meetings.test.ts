/**
 * npm run -s copy-meetings from one DynamoDB Local table into another, as the cutover from an old
 * stack runs it: every meeting readable and searchable under its new tenant with its history and
 * tombstones, calendar feeds working, webhook subscriptions left behind, nothing overwritten, and a
 * second run copies nothing. Run as a process, as an operator runs it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../local/dynamodb-local.js';
import { readStoreConnection } from '../../shared/config.js';
import { MeetingGone } from '../../shared/domain/errors.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbCalendarFeedRepository } from '../../shared/dynamodb/dynamodb-calendar-feed-repository.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { DynamoDbSubscriptionRepository } from '../../shared/dynamodb/dynamodb-subscription-repository.js';
import { createCalendarFeed, tokenHashOf } from '../../shared/use-cases/calendar-feed-use-cases.js';
import { readMeetingHistory } from '../../shared/use-cases/history-use-cases.js';
import {
  createMeeting,
  deleteMeeting,
  getMeeting,
  searchMeetings,
  updateMeeting,
} from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN, searchCriteria, uniqueTenant } from '../../support/fixtures.js';

const connection = readStoreConnection();
const client = createDocumentClient(connection);
const suffix = randomUUID().slice(0, 8);
const [OLD, NEW, DRY] = ['copy-old', 'copy-new', 'copy-dry'].map((name) => `${name}-${suffix}`) as [
  string,
  string,
  string,
];
const folder = mkdtempSync(join(tmpdir(), 'copy-meetings-'));
const deps = (table: string) => ({ repository: new DynamoDbMeetingRepository(client, table) });
const feedDeps = (table: string) => ({
  feeds: new DynamoDbCalendarFeedRepository(client, table),
  repository: deps(table).repository,
  eventMinutes: 60,
});

function copyMeetings(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(join('node_modules', '.bin', 'tsx'), ['scripts/copy-meetings.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const oldTenant = uniqueTenant();
const keptTenant = uniqueTenant();
const newTenant = uniqueTenant();
const agentId = randomUUID();
const ids: string[] = [];
let deletedId = '';
let feedToken = '';

beforeAll(async () => {
  for (const table of [OLD, NEW, DRY]) await ensureTable(connection.endpoint!, table);
  const old = deps(OLD);
  for (let n = 0; n < 5; n++)
    ids.push(
      (await createMeeting(old, oldTenant, meetingInput({ agents: [{ agentId }], notes: `kopio ${n}` }), ORIGIN))
        .meetingId,
    );
  await updateMeeting(old, oldTenant, ids[0]!, meetingInput({ agents: [{ agentId }], statusCode: 'WON' }), ORIGIN);
  deletedId = (await createMeeting(old, oldTenant, meetingInput(), ORIGIN)).meetingId;
  await deleteMeeting(old, oldTenant, deletedId, ORIGIN);
  ids.push((await createMeeting(old, keptTenant, meetingInput(), ORIGIN)).meetingId);
  feedToken = (await createCalendarFeed(feedDeps(OLD), oldTenant, { agentId })).token;
  await new DynamoDbSubscriptionRepository(client, OLD).create(
    oldTenant,
    {
      subscriptionId: randomUUID(),
      url: 'https://hooks.example.com/meetings',
      eventTypes: ['meeting.created'],
      creationTime: new Date().toISOString(),
      secret: 'old-secret',
    },
    25,
  );
  writeFileSync(join(folder, 'tenants.json'), JSON.stringify({ [oldTenant]: newTenant }));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const itemsOf = async (table: string) =>
  (await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];

describe('npm run -s copy-meetings', () => {
  it('copies every item under the mapped tenant, leaves subscriptions behind, and copies nothing the second time', async () => {
    const args = ['--from-table', OLD, '--to-table', NEW, '--tenant-map', join(folder, 'tenants.json')];
    const first = await copyMeetings(args);
    expect(first.code, first.stderr).toBe(0);
    const sourceItems = await itemsOf(OLD);
    const copied = sourceItems.length - 2; // all but the one subscription and its tenant's count
    expect(first.stdout).toContain(`copied ${copied}, already there 0`);
    expect(first.stdout).toContain('meetings 6, tombstones 1');
    expect(first.stdout).toContain('webhook subscriptions 1 (not copied)');

    const target = deps(NEW);
    // Readable, searchable (by agent, through its index entries) and with history, under the new tenant only.
    expect((await getMeeting(target, newTenant, ids[0]!)).statusCode).toBe('WON');
    const found = await searchMeetings(target, newTenant, searchCriteria({ agentId: [agentId] }));
    expect(found.meetings.map((m) => m.meetingId).sort()).toEqual(ids.slice(0, 5).sort());
    const { entries } = await readMeetingHistory(target, newTenant, ids[0]!, { size: 10 });
    expect(entries.map((e) => e.changeType)).toEqual(['CREATED', 'UPDATED']);
    await expect(getMeeting(target, newTenant, deletedId)).rejects.toBeInstanceOf(MeetingGone);
    expect((await searchMeetings(target, oldTenant, searchCriteria())).totalCount).toBe(0);
    // A tenant not in the map keeps its id.
    expect((await getMeeting(target, keptTenant, ids[5]!)).meetingId).toBe(ids[5]);
    // The calendar feed's secret address still leads to its feed, now the new tenant's.
    expect(await feedDeps(NEW).feeds.addressOf(tokenHashOf(feedToken))).toMatchObject({ tenantId: newTenant });
    expect(await new DynamoDbSubscriptionRepository(client, NEW).list(newTenant)).toEqual([]);
    expect(JSON.stringify(await itemsOf(NEW))).not.toContain(oldTenant);

    const again = await copyMeetings(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`copied 0, already there ${copied}`);
  });

  it('writes nothing on a dry run, and says what it would copy', async () => {
    const run = await copyMeetings(['--from-table', OLD, '--to-table', DRY, '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('dry run: nothing written');
    expect(await itemsOf(DRY)).toEqual([]);
  });

  it('refuses a tenant map that sends two tenants to one, before copying anything', async () => {
    const map = join(folder, 'merge.json');
    writeFileSync(map, JSON.stringify({ a: 'same', b: 'same' }));
    const run = await copyMeetings(['--from-table', OLD, '--to-table', DRY, '--tenant-map', map]);
    expect([run.code, run.stderr]).toEqual([1, expect.stringContaining('two tenants to "same"')]);
    expect(await itemsOf(DRY)).toEqual([]);
  });
});
