import { subscriptionDeps } from '../../shared/composition.js';
import type { MeetingEventType } from '../../shared/domain/subscriptions.js';
import { validate as validateSubscriptionRequest } from '../../shared/generated/validators/SubscriptionRequest.cjs';
import { readJsonBody } from '../../shared/http/json-body.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { createSubscription } from '../../shared/use-cases/subscription-use-cases.js';

const deps = subscriptionDeps();

export const handler = apiHandler('createSubscription', async (event, { tenantId }) => {
  const body = readJsonBody(event, validateSubscriptionRequest) as { url: string; eventTypes?: MeetingEventType[] };
  const created = await createSubscription(deps, tenantId, body);
  return json(201, created, { Location: `/subscriptions/${created.subscriptionId}` });
});
