/**
 * The functions as deployed call DynamoDB through the local IAM enforcement point with their own
 * roles from the template: a whole flow is allowed call by call, and taking away any single action
 * a function's role grants and its operation needs makes that operation fail as it would on AWS
 * (DynamoDB's AccessDeniedException, a 500 from the API), with the denial recorded: every action
 * of lib/table-access.ts, each on its own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ERASURE_LEDGER_ACCESS, TABLE_ACCESS } from '../../lib/table-access.js';
import { createLocalGateway } from '../../local/gateway.js';
import type { DecisionLogLine } from '../../local/runtime/iam-enforcement.js';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/local-runtime.js';
import { functionFrom, type DeployedStack } from '../../local/runtime/stack-template.js';
import { readStorageConfig } from '../../shared/config.js';
import { subscriptionCountKey } from '../../shared/dynamodb/keys.js';
import { erasureLedgerTableName } from '../../shared/dynamodb/table-definition.js';
import { routes, type OperationId } from '../../shared/routes.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { testRuntimeOptions, tokenFor } from '../support/api-client.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const storage = sdkDocumentClient(readStorageConfig());
const logDir = mkdtempSync(join(tmpdir(), 'iam-decisions-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

/** Removes the action from every statement of the function's role that grants it on the resource (suffix). */
function withoutGrant(sourceName: string, action: string, resourceSuffix = '') {
  return (stack: DeployedStack) => {
    const fn = functionFrom(stack, sourceName);
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
    // A short settle delay: the changes feed lists (and reads) a change once it has settled.
    env: { ...process.env, IAM_DECISION_LOG: decisionLog, CHANGES_SETTLE_SECONDS: '1' },
    adjustStack,
  });
  const server: Server = createLocalGateway({ stack: runtime.stack, functions: runtime.functions });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tenant = uniqueTenant();
  const token = tokenFor({ tenant, privacy: true });
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
    tenant,
    decisionLog,
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
      // Its lines name the keys each call touched (a party's among them): for the owner only.
      expect(statSync(api.decisionLog).mode & 0o777).toBe(0o600);
      const created = await api.call('POST', '/meetings', meetingInput());
      expect(created.status).toBe(201);
      const id = (created.body as { meetingId: string }).meetingId;
      expect((await api.call('GET', `/meetings/${id}`)).status).toBe(200);
      expect((await api.call('PUT', `/meetings/${id}`, meetingInput())).status).toBe(204);
      expect((await api.call('GET', `/meetings/${id}/history`)).status).toBe(200);
      expect((await api.call('GET', `/meetings/${randomUUID()}/history`)).status).toBe(404);
      for (const query of ['', '?statusCode=WAITING', '?freeTextSearch=street', '?sort=visitTime|desc'])
        expect((await api.call('GET', `/meetings${query}`)).status).toBe(200);
      expect((await api.call('GET', '/meetings/changes')).status).toBe(200);
      expect((await api.call('DELETE', `/meetings/${id}`)).status).toBe(204);
      const partyId = meetingInput().parties[0]!.partyId;
      const erasure = await api.call('POST', '/privacy/erasures', { partyId });
      expect(erasure.status).toBe(202);
      const erasureId = (erasure.body as { erasureId: string }).erasureId;
      expect((await api.call('GET', `/privacy/erasures/${erasureId}`)).status).toBe(200);
      expect((await api.call('GET', `/privacy/exports?partyId=${partyId}`)).status).toBe(200);
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

  type Api = Awaited<ReturnType<typeof serve>>;
  const created = async (api: Api, input = meetingInput()) =>
    ((await api.call('POST', '/meetings', input)).body as { meetingId: string }).meetingId;
  /** Each operation's requests, made so that together they need every action its role grants. */
  const scenarios: Record<OperationId, (api: Api) => Promise<number[]>> = {
    createMeeting: async (api) => [(await api.call('POST', '/meetings', meetingInput())).status],
    createMeetingsBatch: async (api) => {
      const items = [0, 1].map(() => ({ idempotencyKey: randomUUID(), meeting: meetingInput() }));
      const { status, body } = await api.call('POST', '/meetings/batch', { items });
      return [status, ...(body as { results: Array<{ status: number }> }).results.map((result) => result.status)];
    },
    getMeeting: async (api) => [(await api.call('GET', `/meetings/${await created(api)}`)).status],
    updateMeeting: async (api) => {
      const input = meetingInput({
        parties: [
          { partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' },
          { partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' },
        ],
      });
      const id = await created(api, input);
      // Naming one party fewer deletes a link item.
      return [(await api.call('PUT', `/meetings/${id}`, { ...input, parties: [input.parties[0]] })).status];
    },
    deleteMeeting: async (api) => [(await api.call('DELETE', `/meetings/${await created(api)}`)).status],
    // A meeting's entries (Query), and a meeting with none, which is looked up (GetItem) to tell 404.
    getMeetingHistory: async (api) => [
      (await api.call('GET', `/meetings/${await created(api)}/history`)).status,
      (await api.call('GET', `/meetings/${randomUUID()}/history`)).status,
    ],
    searchMeetings: async (api) => {
      const input = meetingInput();
      await created(api, input);
      const queries = [
        '',
        'statusCode=WAITING',
        `agentId=${input.agents[0]!.agentId}`,
        `agencyOfficeId=${input.agencyOfficeId}`,
        `partyId=${input.parties[0]!.partyId}`,
        'modifiedAfter=2000-01-01T00:00:00Z',
      ];
      return Promise.all(queries.map(async (query) => (await api.call('GET', `/meetings?${query}`)).status));
    },
    listMeetingChanges: async (api) => {
      await created(api);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return [(await api.call('GET', '/meetings/changes')).status];
    },
    // A party alone in one meeting (erased), sharing another (redacted), and gone from a third (its trace).
    createErasure: async (api) => {
      const party = { partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const };
      const other = { partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const };
      await created(api, meetingInput({ parties: [party] }));
      await created(api, meetingInput({ parties: [party, other] }));
      const left = meetingInput({ parties: [party, other] });
      const leftId = await created(api, left);
      await api.call('PUT', `/meetings/${leftId}`, { ...left, parties: [other] });
      return [(await api.call('POST', '/privacy/erasures', { partyId: party.partyId })).status];
    },
    getErasure: async (api) => {
      const { body } = await api.call('POST', '/privacy/erasures', { partyId: randomUUID() });
      return [(await api.call('GET', `/privacy/erasures/${(body as { erasureId: string }).erasureId}`)).status];
    },
    exportParty: async (api) => {
      const input = meetingInput();
      await created(api, input);
      return [(await api.call('GET', `/privacy/exports?partyId=${input.parties[0]!.partyId}`)).status];
    },
    createCalendarFeed: async (api) => [(await api.call('POST', '/calendar-feeds', { agentId: randomUUID() })).status],
    listCalendarFeeds: async (api) => [(await api.call('GET', '/calendar-feeds')).status],
    deleteCalendarFeed: async (api) => {
      const { body } = await api.call('POST', '/calendar-feeds', { agentId: randomUUID() });
      return [(await api.call('DELETE', `/calendar-feeds/${(body as { feedId: string }).feedId}`)).status];
    },
    // The address (GetItem), the agent index (Query) and the one meeting it lists (BatchGetItem).
    getCalendar: async (api) => {
      const input = meetingInput();
      await created(api, input);
      const { body } = await api.call('POST', '/calendar-feeds', { agentId: input.agents[0]!.agentId });
      return [(await api.call('GET', (body as { url: string }).url)).status];
    },
    createSubscription: async (api) => [
      (await api.call('POST', '/subscriptions', { url: 'http://127.0.0.1:9/hook' })).status,
    ],
    listSubscriptions: async (api) => [(await api.call('GET', '/subscriptions')).status],
    // As for a tenant whose subscriptions predate their count: the delete counts them first.
    deleteSubscription: async (api) => {
      const { body } = await api.call('POST', '/subscriptions', { url: 'http://127.0.0.1:9/hook' });
      await storage.send(
        new DeleteCommand({ TableName: process.env.TABLE_NAME, Key: subscriptionCountKey(api.tenant) }),
      );
      return [
        (await api.call('DELETE', `/subscriptions/${(body as { subscriptionId: string }).subscriptionId}`)).status,
      ];
    },
  };
  /**
   * A create (a batch item too) reads the id's holder, and a subscribe the tenant's count, only
   * after losing a race to a concurrent transaction: no request can time that.
   */
  const UNREACHABLE = new Set([
    'createMeeting dynamodb:GetItem',
    'createMeetingsBatch dynamodb:GetItem',
    'createSubscription dynamodb:GetItem',
  ]);
  const cases = routes.flatMap(({ operationId, functionName }) => {
    const access = TABLE_ACCESS[operationId] ?? { table: [], indexes: {} };
    const ledgerActions: readonly string[] =
      (ERASURE_LEDGER_ACCESS as Partial<Record<string, readonly string[]>>)[operationId] ?? [];
    return [
      ...access.table.map((action) => ({
        operationId,
        functionName,
        action,
        resource: `table/${process.env.TABLE_NAME}`,
      })),
      ...Object.entries(access.indexes).flatMap(([index, actions]) =>
        actions.map((action) => ({ operationId, functionName, action, resource: `/index/${index}` })),
      ),
      ...ledgerActions.map((action) => ({
        operationId,
        functionName,
        action,
        resource: `table/${erasureLedgerTableName(process.env.TABLE_NAME!)}`,
      })),
    ].filter((grant) => !UNREACHABLE.has(`${grant.operationId} ${grant.action}`));
  });

  it.each(cases)(
    '$functionName without $action on $resource answers 500 and records the denial',
    async ({ operationId, functionName, action, resource }) => {
      const api = await serve(withoutGrant(functionName, action, resource));
      try {
        expect(await scenarios[operationId](api)).toContain(500);
        expect(api.denials()).toContainEqual(
          expect.objectContaining({ principal: functionName, action, allowed: false }),
        );
      } finally {
        await api.stop();
      }
    },
  );
});
