/**
 * Change notifications end to end on this machine (contract-integration.md, "Change notifications"):
 * the local gateway writes, DynamoDB Local's stream carries the changes, and the local events loop
 * (the same event building, fan-out and delivery code the stack runs) posts signed CloudEvents to a
 * sink on loopback. Retry timings are shortened to milliseconds.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEvents, type LocalEvents } from '../../local/local-events.js';
import { verifySignature } from '../../shared/webhooks/signature.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
let events: LocalEvents;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}
/** A webhook receiver on loopback: records what arrives, answers with the statuses it is told to. */
async function sink(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

async function subscribe(url: string, token?: string, eventTypes?: string[]) {
  const response = await api.call('POST', '/subscriptions', {
    token,
    body: { url, ...(eventTypes ? { eventTypes } : {}) },
  });
  expect(response.status, response.text).toBe(201);
  return response.body as { subscriptionId: string; secret: string };
}

beforeAll(async () => {
  events = await startLocalEvents({
    ...api.runtime!.changeNotifications(mkdtempSync(join(tmpdir(), 'webhooks-'))),
    retry: { firstDelayMs: 100, maxDelayMs: 400, maxAttempts: 5 },
    pollIntervalMs: 100,
  });
});
afterAll(async () => events.stop());

describe('webhooks', () => {
  it('create, status change, edit, delete: signed CloudEvents, in order per meeting, with the contract fields', async () => {
    const receiver = await sink();
    const { secret } = await subscribe(receiver.url);
    const input = meetingInput();
    const written = Date.now();
    const id = await api.create(input);
    await until(() => receiver.received.length === 1);
    const firstLatencyMs = receiver.received[0]!.at - written;
    expect((await api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'CANCELLED' } })).status).toBe(
      204,
    );
    expect(
      (await api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'CANCELLED', notes: 'x' } })).status,
    ).toBe(204);
    // A cancelled meeting cannot be deleted: this one is, from WAITING.
    const other = await api.create(meetingInput());
    expect((await api.call('DELETE', `/meetings/${other}`)).status).toBe(204);
    await until(() => receiver.received.length === 5);
    await receiver.close();

    const bodies = receiver.received.map((r) => JSON.parse(r.body) as Record<string, any>);
    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/cloudevents+json');
      expect(verifySignature(secret, r.body, r.headers['x-ovipro-signature'] as string, Date.now())).toBe(true);
      expect(verifySignature('another secret', r.body, r.headers['x-ovipro-signature'] as string, Date.now())).toBe(
        false,
      );
    }
    const ofFirst = bodies.filter((b) => b.subject === id);
    expect(ofFirst.map((b) => b.type)).toEqual(['meeting.created', 'meeting.updated', 'meeting.updated']);
    const current = (await api.call('GET', `/meetings/${id}`)).body;
    expect(ofFirst[0]).toMatchObject({
      specversion: '1.0',
      source: '/meetings',
      subject: id,
      datacontenttype: 'application/json',
      tenantid: tenant,
      data: { meetingId: id, statusCode: 'WAITING' },
    });
    expect(ofFirst[1]!.data).toMatchObject({ statusCode: 'CANCELLED', previousStatusCode: 'WAITING' });
    expect(ofFirst[2]!.data).not.toHaveProperty('previousStatusCode'); // no status change
    expect(ofFirst[2]).toMatchObject({ time: current.modificationTime, data: current });
    expect(new Set(bodies.map((b) => b.id)).size).toBe(5);
    const deleted = bodies.filter((b) => b.subject === other);
    expect(deleted.map((b) => b.type)).toEqual(['meeting.created', 'meeting.deleted']);
    expect(deleted[1]).toMatchObject({ data: { meetingId: other, deletionTime: deleted[1]!.time } });
    console.info(`first webhook arrived ${firstLatencyMs} ms after the create was sent (in-process, DynamoDB Local)`);
    expect(firstLatencyMs).toBeLessThan(2_000);
  });

  it('a sink answering 500 twice gets the same event id again until it answers 200, later events held back', async () => {
    const receiver = await sink([500, 500]);
    const tenantB = uniqueTenant();
    const token = tokenFor({ tenant: tenantB });
    await subscribe(receiver.url, token);
    const input = meetingInput();
    const id = await api.create(input, { token });
    expect((await api.call('PUT', `/meetings/${id}`, { token, body: { ...input, notes: 'later' } })).status).toBe(204);
    await until(() => receiver.received.length === 4);
    await receiver.close();
    const ids = receiver.received.map((r) => JSON.parse(r.body) as { id: string; type: string });
    expect(ids.map((e) => e.type)).toEqual([
      'meeting.created',
      'meeting.created',
      'meeting.created',
      'meeting.updated',
    ]);
    expect(new Set(ids.slice(0, 3).map((e) => e.id)).size).toBe(1);
  });

  it('an unreachable sink ends in the dead-letter store', async () => {
    const receiver = await sink();
    await receiver.close(); // nothing listens there any more
    const token = tokenFor({ tenant: uniqueTenant() });
    const { subscriptionId } = await subscribe(receiver.url, token);
    const id = await api.create(meetingInput(), { token });
    const deadLetters = () =>
      existsSync(events.deadLetterFile)
        ? readFileSync(events.deadLetterFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { subscriptionId: string; event: { subject: string }; attempts: number })
        : [];
    await until(() => deadLetters().some((d) => d.subscriptionId === subscriptionId));
    const letter = deadLetters().find((d) => d.subscriptionId === subscriptionId)!;
    expect(letter.event.subject).toBe(id);
    expect(letter.attempts).toBeGreaterThan(1);
    // The envelope only: the file holds no meeting (nothing an erasure would have to find there).
    expect(letter.event).not.toHaveProperty('data');
    // Still the tenant's subscriptions and meeting ids: for the owner only.
    expect(statSync(events.deadLetterFile).mode & 0o777).toBe(0o600);
  });

  it("an event still queued when a data subject is erased is never sent; the erasure's own event is", async () => {
    const failing = Array.from({ length: 1_000 }, () => 503);
    const receiver = await sink(failing);
    const token = tokenFor({ tenant: uniqueTenant(), privacy: true });
    await subscribe(receiver.url, token);
    const input = meetingInput({ notes: 'queued across an erasure' });
    const id = await api.create(input, { token });
    await until(() => receiver.received.length > 0); // the created event: refused, now retrying
    const erasure = await api.call('POST', '/privacy/erasures', {
      token,
      body: { partyId: input.parties[0]!.partyId },
    });
    expect(erasure.body.status).toBe('COMPLETED');
    const seenBefore = receiver.received.length;
    failing.length = 0; // the receiver answers 200 from now on
    const types = () =>
      receiver.received.slice(seenBefore).map((r) => JSON.parse(r.body) as { type: string; subject: string });
    await until(() => types().some((event) => event.type === 'meeting.deleted' && event.subject === id));
    for (const received of receiver.received.slice(seenBefore)) {
      expect(received.body).not.toContain(input.parties[0]!.partyId);
      expect(received.body).not.toContain('queued across an erasure');
    }
    expect(types().map((event) => event.type)).toEqual(['meeting.deleted']);
  });

  it("never delivers another tenant's events, nor any after the subscription is deleted", async () => {
    const receiver = await sink();
    const tenantC = uniqueTenant();
    const token = tokenFor({ tenant: tenantC });
    const { subscriptionId } = await subscribe(receiver.url, token, ['meeting.created']);
    await api.create(meetingInput()); // the main tenant's
    const own = await api.create(meetingInput(), { token });
    await until(() => receiver.received.length === 1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ subject: own, tenantid: tenantC });
    expect((await api.call('DELETE', `/subscriptions/${subscriptionId}`, { token })).status).toBe(204);
    await api.create(meetingInput(), { token });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await receiver.close();
    expect(receiver.received).toHaveLength(1);
  });
});
