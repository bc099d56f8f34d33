import { subscriptionDeps } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { json } from '../../shared/http/responses.js';
import { listSubscriptions } from '../../shared/use-cases/subscription-use-cases.js';

const deps = subscriptionDeps();

export const handler = apiHandler('listSubscriptions', async (_event, { tenantId }) =>
  json(200, { subscriptions: await listSubscriptions(deps, tenantId) }),
);
