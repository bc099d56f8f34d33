/**
 * The functions as deployed call DynamoDB through the local IAM enforcement point with their own
 * roles from the template: a whole flow is allowed call by call, and taking away any single action
 * a function's role grants and its operation needs makes that operation fail as it would on AWS
 * (DynamoDB's AccessDeniedException, a 500 from the API), with the denial recorded.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalGateway } from '../../local/gateway.js';
import type { DecisionLogLine } from '../../local/runtime/iam-enforcement.js';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/local-runtime.js';
import type { DeployedStack } from '../../local/runtime/stack-template.js';
import { testRuntimeOptions, tokenFor } from '../support/api-client.js';
import { meetingInput, uniqueTenant } from '../support/fixtures.js';

const logDir = mkdtempSync(join(tmpdir(), 'iam-decisions-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

/** Removes the action from every statement of the function's role that grants it on the resource (suffix). */
function withoutGrant(sourceName: string, action: string, resourceSuffix = '') {
  return (stack: DeployedStack) => {
    const fn = [...stack.functions.values()].find((candidate) => candidate.sourceName === sourceName)!;
    let removed = 0;
    for (const { policy } of stack.roles.get(fn.roleArn)!) {
      for (const statement of policy.Statement) {
        const resources = ([] as unknown[]).concat(statement.Resource).map(String);
        if (!resources.some((resource) => resource.endsWith(resourceSuffix))) continue;
        const actions = ([] as unknown[]).concat(statement.Action).map(String);
        if (!actions.includes(action)) continue;
        statement.Action = actions.filter((granted) => granted !== action);
        removed++;
      }
    }
    if (!removed) throw new Error(`${sourceName}'s role does not grant ${action}`);
  };
}

async function serve(adjustStack?: (stack: DeployedStack) => void) {
  const decisionLog = join(logDir, `${randomUUID()}.jsonl`);
  const runtime: LocalRuntime = await startLocalRuntime({
    ...testRuntimeOptions(),
    env: { ...process.env, IAM_DECISION_LOG: decisionLog },
    adjustStack,
  });
  const server: Server = createLocalGateway({ stack: runtime.stack, functions: runtime.functions });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = tokenFor({ tenant: uniqueTenant() });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Request-ID': randomUUID(),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return {
    call,
    denials: () =>
      readFileSync(decisionLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as DecisionLogLine)
        .filter((line) => line.kind === 'decision' && !line.allowed),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await runtime.stop();
    },
  };
}

describe('IAM enforced on every DynamoDB call of the deployed functions', () => {
  it('allows every call of a whole flow under the roles as the stack grants them', async () => {
    const api = await serve();
    try {
      const created = await api.call('POST', '/meetings', meetingInput());
      expect(created.status).toBe(201);
      const id = (created.body as { meetingId: string }).meetingId;
      expect((await api.call('GET', `/meetings/${id}`)).status).toBe(200);
      expect((await api.call('PUT', `/meetings/${id}`, meetingInput())).status).toBe(204);
      for (const query of ['', '?statusCode=WAITING', '?freeTextSearch=street', '?sort=visitTime|desc'])
        expect((await api.call('GET', `/meetings${query}`)).status).toBe(200);
      expect((await api.call('GET', '/meetings/changes')).status).toBe(200);
      expect((await api.call('DELETE', `/meetings/${id}`)).status).toBe(204);
      const subscribed = await api.call('POST', '/subscriptions', { url: 'http://127.0.0.1:9/hook' });
      expect(subscribed.status).toBe(201);
      expect((await api.call('GET', '/subscriptions')).status).toBe(200);
      const subscriptionId = (subscribed.body as { subscriptionId: string }).subscriptionId;
      expect((await api.call('DELETE', `/subscriptions/${subscriptionId}`)).status).toBe(204);
      expect(api.denials()).toEqual([]);
    } finally {
      await api.stop();
    }
  });

  const cases: Array<{
    fn: string;
    action: string;
    resource?: string;
    request: (api: Awaited<ReturnType<typeof serve>>) => Promise<{ status: number }>;
  }> = [
    {
      fn: 'create-meeting',
      action: 'dynamodb:PutItem',
      request: (api) => api.call('POST', '/meetings', meetingInput()),
    },
    {
      fn: 'get-meeting',
      action: 'dynamodb:GetItem',
      request: async (api) => {
        const { body } = await api.call('POST', '/meetings', meetingInput());
        return api.call('GET', `/meetings/${(body as { meetingId: string }).meetingId}`);
      },
    },
    {
      fn: 'update-meeting',
      action: 'dynamodb:PutItem',
      request: async (api) => {
        const { body } = await api.call('POST', '/meetings', meetingInput());
        return api.call('PUT', `/meetings/${(body as { meetingId: string }).meetingId}`, meetingInput());
      },
    },
    {
      fn: 'delete-meeting',
      action: 'dynamodb:DeleteItem',
      request: async (api) => {
        const { body } = await api.call('POST', '/meetings', meetingInput());
        return api.call('DELETE', `/meetings/${(body as { meetingId: string }).meetingId}`);
      },
    },
    {
      fn: 'search-meetings',
      action: 'dynamodb:BatchGetItem',
      request: async (api) => {
        await api.call('POST', '/meetings', meetingInput());
        return api.call('GET', '/meetings');
      },
    },
    {
      fn: 'list-meeting-changes',
      action: 'dynamodb:Query',
      resource: '/index/byTenantModificationTime',
      request: (api) => api.call('GET', '/meetings/changes'),
    },
    {
      fn: 'create-subscription',
      action: 'dynamodb:Query',
      request: (api) => api.call('POST', '/subscriptions', { url: 'http://127.0.0.1:9/hook' }),
    },
    { fn: 'list-subscriptions', action: 'dynamodb:Query', request: (api) => api.call('GET', '/subscriptions') },
  ];

  it.each(cases)(
    '$fn without $action answers 500 and records the denial',
    async ({ fn, action, resource, request }) => {
      const api = await serve(withoutGrant(fn, action, resource));
      try {
        expect((await request(api)).status).toBe(500);
        expect(api.denials()).toEqual([expect.objectContaining({ principal: fn, action, allowed: false })]);
      } finally {
        await api.stop();
      }
    },
  );
});
