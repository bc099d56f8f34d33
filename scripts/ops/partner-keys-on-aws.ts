/**
 * Partner keys of a deployed stack in API Gateway: each created with its tenant, plan and stack as
 * tags and bound to its plan's usage plan (the stack's UsagePlanIds output); revoked keys are
 * disabled, not deleted, so that their tags stay on record.
 */
import { createHash } from 'node:crypto';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeyCommand,
  NotFoundException,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { newApiKey, USAGE_PLAN_IDS_OUTPUT, type UsagePlanName } from '../../shared/auth/api-keys.js';
import type { StackOutputs } from './stack-outputs.js';

/** The stack's usage plan ids by plan name. */
function usagePlanIds(outputs: StackOutputs): Record<string, string> {
  return JSON.parse(outputs.require(USAGE_PLAN_IDS_OUTPUT, 'it predates partner keys; deploy it again')) as Record<
    string,
    string
  >;
}

/**
 * The key's name in API Gateway: a digest of the key, not the key, so that a revocation finds it by
 * name (nameQuery) without listing every key's value in the account.
 */
const keyName = (key: string) => `meeting-api-key-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

export async function issueKeyOnAws(
  apiGateway: APIGatewayClient,
  outputs: StackOutputs,
  tenantId: string,
  plan: UsagePlanName,
): Promise<string> {
  const usagePlanId = usagePlanIds(outputs)[plan];
  if (!usagePlanId) throw new Error(`stack ${outputs.stackName} has no usage plan "${plan}"`);
  const value = newApiKey(tenantId);
  const created = await apiGateway.send(
    new CreateApiKeyCommand({
      name: keyName(value),
      description: `Partner key of tenant ${tenantId}, plan ${plan} (${outputs.stackName})`,
      value,
      enabled: true,
      tags: { tenant: tenantId, plan, stack: outputs.stackName },
    }),
  );
  try {
    await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: created.id, keyType: 'API_KEY' }));
  } catch (error) {
    // Unbound, the key would be useless (404) yet count against the account's keys.
    await apiGateway.send(new DeleteApiKeyCommand({ apiKey: created.id }));
    throw error;
  }
  return value;
}

const disable = (apiGateway: APIGatewayClient, keyId: string) =>
  apiGateway.send(
    new UpdateApiKeyCommand({ apiKey: keyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }),
  );

/** Disables the key if it is bound to one of this stack's plans; false when the stack has no such key. */
export async function revokeKeyOnAws(apiGateway: APIGatewayClient, outputs: StackOutputs, key: string) {
  const planIds = Object.values(usagePlanIds(outputs));
  const { items } = await apiGateway.send(new GetApiKeysCommand({ nameQuery: keyName(key), includeValues: true }));
  const found = items?.find((item) => item.value === key);
  if (!found?.id) return false;
  const bound = await Promise.all(
    planIds.map((usagePlanId) =>
      apiGateway.send(new GetUsagePlanKeyCommand({ usagePlanId, keyId: found.id })).then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotFoundException) return false;
          throw error;
        },
      ),
    ),
  );
  if (!bound.includes(true)) return false;
  await disable(apiGateway, found.id);
  return true;
}

/** Disables every enabled key this stack's commands made for the tenant; how many. */
export async function disableTenantKeys(apiGateway: APIGatewayClient, outputs: StackOutputs, tenantId: string) {
  let disabled = 0;
  let position: string | undefined;
  do {
    const page = await apiGateway.send(new GetApiKeysCommand({ position, limit: 500 }));
    for (const key of page.items ?? [])
      if (key.id && key.enabled && key.tags?.tenant === tenantId && key.tags.stack === outputs.stackName) {
        await disable(apiGateway, key.id);
        disabled++;
      }
    position = page.position;
  } while (position);
  return disabled;
}
