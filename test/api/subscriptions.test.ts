/**
 * The subscriptions API over HTTP (contract-integration.md, "Change notifications"): tenant-scoped,
 * write scope to create and delete, read scope to list; the secret shown once; forbidden URLs
 * refused with 400 BAD_REQUEST_BODY naming url. (Delivery itself is not built yet.)
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { subscriptionCountKey } from '../../shared/dynamodb/keys.js';
import { uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const config = readStorageConfig();
const storage = sdkDocumentClient(config);

describe('subscriptions', () => {
  it('creates (secret shown once), lists without secrets, deletes; a second delete is 404', async () => {
    const created = await api.call('POST', '/subscriptions', {
      body: { url: 'http://127.0.0.1:4100/hooks', eventTypes: ['meeting.updated'] },
    });
    expect(created.status, created.text).toBe(201);
    const { subscriptionId, secret } = created.body;
    expect(created.headers.get('location')).toBe(`/subscriptions/${subscriptionId}`);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:4100/hooks', eventTypes: ['meeting.updated'] });
    expect(Buffer.from(secret as string, 'base64url').length).toBeGreaterThanOrEqual(16); // >= 128 bits
    const all = await api.call('POST', '/subscriptions', { body: { url: 'https://localhost:4443/all' } });
    expect(all.body.eventTypes).toEqual(['meeting.created', 'meeting.updated', 'meeting.deleted']);
    expect(all.body.secret).not.toBe(secret);

    const listed = await api.call('GET', '/subscriptions', { token: tokenFor({ tenant, readOnly: true }) });
    expect(listed.status).toBe(200);
    expect(listed.body.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([
      subscriptionId,
      all.body.subscriptionId,
    ]);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain('secret');

    expect((await api.call('DELETE', `/subscriptions/${subscriptionId}`)).status).toBe(204);
    const again = await api.call('DELETE', `/subscriptions/${subscriptionId}`);
    expect([again.status, again.body.errorCode]).toEqual([404, 'INVALID_ID']);
    expect((await api.call('GET', '/subscriptions')).body.subscriptions).toHaveLength(1);
  });

  it('is tenant-scoped: another tenant neither lists nor deletes them', async () => {
    const mine = await api.call('POST', '/subscriptions', { body: { url: 'http://localhost:4101/x' } });
    const other = tokenFor({ tenant: uniqueTenant() });
    expect((await api.call('GET', '/subscriptions', { token: other })).body).toEqual({ subscriptions: [] });
    const refused = await api.call('DELETE', `/subscriptions/${mine.body.subscriptionId}`, { token: other });
    expect([refused.status, refused.body.errorCode]).toEqual([404, 'INVALID_ID']);
    expect((await api.call('DELETE', `/subscriptions/not-a-uuid`)).status).toBe(404);
    expect((await api.call('DELETE', `/subscriptions/${randomUUID()}`)).status).toBe(404);
  });

  it('allows at most 25 subscriptions per tenant', async () => {
    const token = tokenFor({ tenant: uniqueTenant() });
    for (let i = 0; i < 25; i++)
      expect(
        (await api.call('POST', '/subscriptions', { token, body: { url: `http://127.0.0.1:5000/${i}` } })).status,
      ).toBe(201);
    const refused = await api.call('POST', '/subscriptions', { token, body: { url: 'http://127.0.0.1:5000/26' } });
    expect([refused.status, refused.body.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
    expect((await api.call('GET', '/subscriptions', { token })).body.subscriptions).toHaveLength(25);
  });

  it('holds the limit under concurrency: 40 subscribes at once store exactly 25, the rest 400', async () => {
    const token = tokenFor({ tenant: uniqueTenant() });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api.call('POST', '/subscriptions', { token, body: { url: `http://127.0.0.1:5001/${i}` } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(25);
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body.errorCode])).toEqual(
      Array.from({ length: 15 }, () => [400, 'BAD_REQUEST_BODY']),
    );
    expect((await api.call('GET', '/subscriptions', { token })).body.subscriptions).toHaveLength(25);

    // A deletion frees its place again, once.
    const first = answers.find((a) => a.status === 201);
    expect((await api.call('DELETE', `/subscriptions/${first!.body.subscriptionId}`, { token })).status).toBe(204);
    expect((await api.call('DELETE', `/subscriptions/${first!.body.subscriptionId}`, { token })).status).toBe(404);
    const refills = await Promise.all(
      [1, 2, 3].map((i) => api.call('POST', '/subscriptions', { token, body: { url: `http://127.0.0.1:5002/${i}` } })),
    );
    expect(refills.map((a) => a.status).sort()).toEqual([201, 400, 400]);
    expect((await api.call('GET', '/subscriptions', { token })).body.subscriptions).toHaveLength(25);
  });

  it('counts the subscriptions of a tenant from before the count on its first delete', async () => {
    const owner = uniqueTenant();
    const token = tokenFor({ tenant: owner });
    const ids: string[] = [];
    for (const i of [1, 2, 3]) {
      const created = await api.call('POST', '/subscriptions', { token, body: { url: `http://127.0.0.1:5003/${i}` } });
      ids.push(created.body.subscriptionId as string);
    }
    // As a tenant subscribed before the count existed: the items alone.
    await storage.send(new DeleteCommand({ TableName: config.tableName, Key: subscriptionCountKey(owner) }));
    expect((await api.call('DELETE', `/subscriptions/${ids[0]}`, { token })).status).toBe(204);
    const { Item } = await storage.send(
      new GetCommand({ TableName: config.tableName, Key: subscriptionCountKey(owner), ConsistentRead: true }),
    );
    expect(Item?.subscriptions).toBe(2);
    expect((await api.call('GET', '/subscriptions', { token })).body.subscriptions).toHaveLength(2);
  });

  it('needs the write scope to create and delete, the read scope to list', async () => {
    const readOnly = tokenFor({ tenant, readOnly: true });
    const create = await api.call('POST', '/subscriptions', { token: readOnly, body: { url: 'http://localhost:1/' } });
    expect([create.status, create.body.errorCode]).toEqual([403, 'FORBIDDEN']);
    const remove = await api.call('DELETE', `/subscriptions/${randomUUID()}`, { token: readOnly });
    expect(remove.status).toBe(403);
  });

  it('refuses forbidden URLs with 400 BAD_REQUEST_BODY naming url, and stores nothing', async () => {
    const quiet = uniqueTenant();
    const token = tokenFor({ tenant: quiet });
    for (const url of [
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:169.254.169.254]/',
      'https://[fd00:ec2::254]/',
      'https://100.64.0.1/',
      'ftp://127.0.0.1/',
      'https://user:pw@127.0.0.1/',
      'http://[::ffff:10.0.0.1]:8080/',
    ]) {
      const response = await api.call('POST', '/subscriptions', { token, body: { url } });
      expect([url, response.status, response.body.errorCode]).toEqual([url, 400, 'BAD_REQUEST_BODY']);
      expect(response.body.errors).toEqual([expect.objectContaining({ target: 'url' })]);
    }
    for (const body of [{}, { url: '' }, { url: 'https://x.example', eventTypes: ['meeting.won'] }, { url: 1 }]) {
      const response = await api.call('POST', '/subscriptions', { token, body });
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
    }
    expect((await api.call('GET', '/subscriptions', { token })).body).toEqual({ subscriptions: [] });
  });
});
