import { subscriptionDeps } from '../../shared/composition.js';
import { apiHandler } from '../../shared/http/middlewares.js';
import { parseSubscriptionId } from '../../shared/http/request-parsing.js';
import { noContent } from '../../shared/http/responses.js';
import { deleteSubscription } from '../../shared/use-cases/subscription-use-cases.js';

const deps = subscriptionDeps();

export const handler = apiHandler('deleteSubscription', async (event, { tenantId }) => {
  await deleteSubscription(deps, tenantId, parseSubscriptionId(event));
  return noContent();
});
