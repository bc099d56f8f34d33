/** bench:coldstart's invocations of the API functions: one API Gateway proxy event each (the authorizer's REQUEST event). */
import { randomUUID } from 'node:crypto';
import { meetingInput } from '../../support/fixtures.js';
import type { FunctionName } from './coldstart-bundles.js';
import {
  expectStatus,
  LOOPBACK_WEBHOOKS,
  once,
  perSide,
  SIDES,
  type Invocation,
  type InvocationContext,
  type Side,
} from './coldstart-invocation.js';
import type { ApiRequest } from './lambda-events.js';

const SEARCH_TENANT = 'bench-search';
const RW_TENANT = 'bench-rw';
const FEEDS_TENANT = 'bench-feeds';
const PRIVACY = 'read write privacy';
/** The agent and the party of the search tenant's meetings (a calendar feed and an export read them). */
const AGENT_ID = randomUUID();
const PARTY_ID = randomUUID();

/** One API request of a function, answered with `status`. */
const api = (
  ctx: InvocationContext,
  name: string,
  status: number,
  request: (side: Side) => { tenantId: string | null } & ApiRequest,
  extra: Partial<Invocation> = {},
): Invocation => ({
  event: (side) => {
    const { tenantId, ...rest } = request(side);
    return ctx.events.apiEvent(tenantId, rest);
  },
  check: (answer, side) => void expectStatus(name, side, answer, status),
  ...extra,
});

export function apiInvocations(ctx: InvocationContext): Record<FunctionName, Invocation> {
  const idOf = (answer: unknown, name: string, status: number, field: string) =>
    String(expectStatus(`seeding ${name}`, 'ours', answer, status)[field]);
  const seedEach = async (name: string, status: number, field: string, events: unknown[]) =>
    (await ctx.seedThrough(name, events)).map((answer) => idOf(answer, name, status, field));
  const seedMeetings = (tenantId: string, count: number, input = () => meetingInput()) =>
    seedEach(
      'create-meeting',
      201,
      'meetingId',
      Array.from({ length: count }, () =>
        ctx.events.apiEvent(tenantId, { method: 'POST', resource: '/meetings', body: input() }),
      ),
    );
  const n = ctx.samplesPerSide;
  const rw = { getId: '', updateIds: { ours: '', reference: '' } };
  const toDelete = perSide();
  const feedsToDelete = perSide();
  const subscriptionsToDelete = perSide();
  const calendar = { file: '' };
  const erasure = { id: '' };
  const meeting = { tenantId: RW_TENANT, resource: '/meetings/{meetingId}' };
  const seedSearchTenant = once(async () => {
    const input = () =>
      meetingInput({
        agents: [{ agentId: AGENT_ID }],
        parties: [{ partyId: PARTY_ID, partyTypeCode: 'PERSON_PARTY' }],
      });
    await seedMeetings(SEARCH_TENANT, 10, input);
  });
  const seedRw = once(async () => {
    const [getId, ours, reference] = await seedMeetings(RW_TENANT, 3);
    Object.assign(rw, { getId, updateIds: { ours, reference } });
  });
  const newFeeds = (count: number, tenantId = FEEDS_TENANT) =>
    Array.from({ length: count }, () =>
      ctx.events.apiEvent(tenantId, {
        method: 'POST',
        resource: '/calendar-feeds',
        body: { agentId: randomUUID(), detail: 'STANDARD' },
      }),
    );
  // Each subscription in a tenant of its own unless one is named: a tenant has at most 25.
  const newSubscriptions = (count: number, tenant?: string) =>
    Array.from({ length: count }, () => {
      const tenantId = tenant ?? `bench-subscriptions-${randomUUID()}`;
      const body = { url: ctx.endpoints.webhookUrl, eventTypes: ['meeting.created', 'meeting.updated'] };
      return ctx.events.apiEvent(tenantId, { method: 'POST', resource: '/subscriptions', body });
    });
  const tenantOf = (event: unknown) =>
    (event as { requestContext: { authorizer: { tenantId: string } } }).requestContext.authorizer.tenantId;

  return {
    authorizer: {
      event: () => ctx.events.authorizerEvent(),
      check(answer, side) {
        const statements =
          (answer as { policyDocument?: { Statement?: Array<{ Effect?: string }> } } | undefined)?.policyDocument
            ?.Statement ?? [];
        if (!statements.some((s) => s.Effect === 'Allow'))
          throw new Error(`${side} authorizer did not allow: ${JSON.stringify(answer)}`);
      },
    },
    'create-meeting': api(ctx, 'create-meeting', 201, () => ({
      tenantId: 'bench-create',
      method: 'POST',
      resource: '/meetings',
      body: meetingInput(),
    })),
    'create-meetings-batch': api(ctx, 'create-meetings-batch', 200, () => ({
      tenantId: 'bench-create',
      method: 'POST',
      resource: '/meetings/batch',
      body: { items: [1, 2, 3].map(() => ({ idempotencyKey: randomUUID(), meeting: meetingInput() })) },
    })),
    'search-meetings': api(
      ctx,
      'search-meetings',
      200,
      () => ({ tenantId: SEARCH_TENANT, method: 'GET', resource: '/meetings' }),
      { seed: seedSearchTenant },
    ),
    'list-meeting-changes': api(
      ctx,
      'list-meeting-changes',
      200,
      () => ({ tenantId: SEARCH_TENANT, method: 'GET', resource: '/meetings/changes' }),
      { seed: seedSearchTenant },
    ),
    'get-meeting': api(
      ctx,
      'get-meeting',
      200,
      () => ({ ...meeting, method: 'GET', pathParameters: { meetingId: rw.getId } }),
      { seed: seedRw },
    ),
    'get-meeting-history': api(
      ctx,
      'get-meeting-history',
      200,
      () => ({
        tenantId: RW_TENANT,
        method: 'GET',
        resource: '/meetings/{meetingId}/history',
        pathParameters: { meetingId: rw.getId },
      }),
      { seed: seedRw },
    ),
    'update-meeting': api(
      ctx,
      'update-meeting',
      204,
      (side) => ({
        ...meeting,
        method: 'PUT',
        pathParameters: { meetingId: rw.updateIds[side] },
        body: meetingInput(),
      }),
      { seed: seedRw },
    ),
    'delete-meeting': api(
      ctx,
      'delete-meeting',
      204,
      (side) => ({ ...meeting, method: 'DELETE', pathParameters: { meetingId: toDelete.take(side) } }),
      {
        seed: async () => {
          toDelete.ours = await seedMeetings(RW_TENANT, n);
          toDelete.reference = await seedMeetings(RW_TENANT, n);
        },
      },
    ),
    'export-party': api(
      ctx,
      'export-party',
      200,
      () => ({
        tenantId: SEARCH_TENANT,
        method: 'GET',
        resource: '/privacy/exports',
        query: { partyId: PARTY_ID },
        scopes: PRIVACY,
      }),
      { seed: seedSearchTenant },
    ),
    'create-calendar-feed': api(ctx, 'create-calendar-feed', 201, () => ({
      tenantId: FEEDS_TENANT,
      method: 'POST',
      resource: '/calendar-feeds',
      body: { agentId: randomUUID(), detail: 'STANDARD' },
    })),
    // A tenant of its own: the references' feeds elsewhere are not items ours can read.
    'list-calendar-feeds': api(
      ctx,
      'list-calendar-feeds',
      200,
      () => ({ tenantId: 'bench-list-feeds', method: 'GET', resource: '/calendar-feeds' }),
      {
        seed: async () => void (await seedEach('create-calendar-feed', 201, 'feedId', newFeeds(2, 'bench-list-feeds'))),
      },
    ),
    'delete-calendar-feed': api(
      ctx,
      'delete-calendar-feed',
      204,
      (side) => ({
        tenantId: FEEDS_TENANT,
        method: 'DELETE',
        resource: '/calendar-feeds/{feedId}',
        pathParameters: { feedId: feedsToDelete.take(side) },
      }),
      {
        seed: async () => {
          for (const side of SIDES)
            feedsToDelete[side] = await seedEach('create-calendar-feed', 201, 'feedId', newFeeds(n));
        },
      },
    ),
    'get-calendar': api(
      ctx,
      'get-calendar',
      200,
      () => ({
        tenantId: null,
        method: 'GET',
        resource: '/calendars/{calendarFile}',
        pathParameters: { calendarFile: calendar.file },
      }),
      {
        seed: async () => {
          await seedSearchTenant();
          const [answer] = await ctx.seedThrough('create-calendar-feed', [
            ctx.events.apiEvent(SEARCH_TENANT, {
              method: 'POST',
              resource: '/calendar-feeds',
              body: { agentId: AGENT_ID, detail: 'STANDARD' },
            }),
          ]);
          calendar.file = idOf(answer, 'create-calendar-feed', 201, 'url').replace('/calendars/', '');
        },
      },
    ),
    'create-subscription': api(
      ctx,
      'create-subscription',
      201,
      () => ({
        tenantId: `bench-subscriptions-${randomUUID()}`,
        method: 'POST',
        resource: '/subscriptions',
        body: { url: ctx.endpoints.webhookUrl, eventTypes: ['meeting.created'] },
      }),
      { environment: LOOPBACK_WEBHOOKS },
    ),
    'list-subscriptions': api(
      ctx,
      'list-subscriptions',
      200,
      () => ({ tenantId: 'bench-list-subscriptions', method: 'GET', resource: '/subscriptions' }),
      {
        seed: async () => {
          const events = newSubscriptions(2, 'bench-list-subscriptions');
          await seedEach('create-subscription', 201, 'subscriptionId', events);
        },
      },
    ),
    'delete-subscription': api(
      ctx,
      'delete-subscription',
      204,
      (side) => {
        const [tenantId, subscriptionId] = subscriptionsToDelete.take(side).split(' ');
        return {
          tenantId: tenantId!,
          method: 'DELETE',
          resource: '/subscriptions/{subscriptionId}',
          pathParameters: { subscriptionId: subscriptionId! },
        };
      },
      {
        seed: async () => {
          for (const side of SIDES) {
            const events = newSubscriptions(n);
            const ids = await seedEach('create-subscription', 201, 'subscriptionId', events);
            subscriptionsToDelete[side] = ids.map((id, i) => `${tenantOf(events[i])} ${id}`);
          }
        },
      },
    ),
    'create-erasure': api(ctx, 'create-erasure', 202, () => ({
      tenantId: 'bench-erasures',
      method: 'POST',
      resource: '/privacy/erasures',
      body: { partyId: randomUUID() },
      scopes: PRIVACY,
    })),
    'get-erasure': api(
      ctx,
      'get-erasure',
      200,
      () => ({
        tenantId: 'bench-erasures',
        method: 'GET',
        resource: '/privacy/erasures/{erasureId}',
        pathParameters: { erasureId: erasure.id },
        scopes: PRIVACY,
      }),
      {
        seed: async () => {
          const [answer] = await ctx.seedThrough('create-erasure', [
            ctx.events.apiEvent('bench-erasures', {
              method: 'POST',
              resource: '/privacy/erasures',
              body: { partyId: randomUUID() },
              scopes: PRIVACY,
            }),
          ]);
          erasure.id = idOf(answer, 'create-erasure', 202, 'erasureId');
        },
      },
    ),
  };
}
