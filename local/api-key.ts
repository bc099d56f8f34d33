/**
 * npm run -s api-key -- --tenant ID [--plan NAME] [--stack NAME] | --revoke KEY [--stack NAME]
 *
 * Issues a partner key for a tenant on a usage plan and prints it (the key itself, one line), or
 * revokes one. Without --stack, in the local runner's data folder (DATA_DIR, default .data); with
 * --stack, in API Gateway for that deployed stack (AWS credentials and region from the
 * environment, as the AWS CLI finds them): the key is created with its tenant and plan as tags,
 * bound to the plan's usage plan, and a revoked key (one of that stack's) is disabled.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
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
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DEFAULT_USAGE_PLAN,
  isUsagePlanName,
  newApiKey,
  USAGE_PLAN_IDS_OUTPUT,
  USAGE_PLANS,
  type UsagePlanName,
} from '../shared/auth/api-keys.js';
import { TENANT_ID_PATTERN } from '../shared/auth/token-verifier.js';
import { apiKeyFileIn, LocalApiKeyStore } from './api-key-store.js';
import { dataDirectory } from './data-dir.js';

const USAGE =
  'usage: npm run -s api-key -- --tenant ID [--plan NAME] [--stack NAME]\n' +
  '       npm run -s api-key -- --revoke KEY|- [--stack NAME]   (-: the key from stdin)\n' +
  `plans: ${Object.keys(USAGE_PLANS).join(', ')} (default ${DEFAULT_USAGE_PLAN})\n`;

class UsageError extends Error {}

function parse() {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      plan: { type: 'string', default: DEFAULT_USAGE_PLAN },
      stack: { type: 'string' },
      revoke: { type: 'string' },
    },
    strict: true,
  });
  if (values.revoke !== undefined) {
    if (values.tenant !== undefined) throw new UsageError('--revoke takes no --tenant');
    return { action: 'revoke' as const, key: keyToRevoke(values.revoke.trim()), stack: values.stack };
  }
  if (values.tenant === undefined) throw new UsageError('give --tenant ID (or --revoke KEY)');
  if (!TENANT_ID_PATTERN.test(values.tenant))
    throw new UsageError(`--tenant may hold letters, digits and . _ : @ - (1..128), got "${values.tenant}"`);
  if (!isUsagePlanName(values.plan))
    throw new UsageError(`--plan must be one of ${Object.keys(USAGE_PLANS).join(', ')}, got "${values.plan}"`);
  return { action: 'issue' as const, tenantId: values.tenant, plan: values.plan, stack: values.stack };
}

/** The stack's usage plan ids by plan name, from its UsagePlanIds output (deployed with -c requireApiKey=true). */
async function usagePlanIds(stackName: string): Promise<Record<string, string>> {
  const { Stacks } = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stackName }));
  const output = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === USAGE_PLAN_IDS_OUTPUT);
  if (!output?.OutputValue)
    throw new Error(`stack ${stackName} has no usage plans: deploy it with -c requireApiKey=true`);
  return JSON.parse(output.OutputValue) as Record<string, string>;
}

/**
 * The key's name in API Gateway: a digest of the key, not the key, so that a revocation finds it by
 * name (nameQuery) without listing every key's value in the account.
 */
const awsKeyName = (key: string) => `meeting-api-key-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

async function issueOnAws(stackName: string, tenantId: string, plan: UsagePlanName): Promise<string> {
  const usagePlanId = (await usagePlanIds(stackName))[plan];
  if (!usagePlanId) throw new Error(`stack ${stackName} has no usage plan "${plan}"`);
  const apiGateway = new APIGatewayClient({});
  const value = newApiKey(tenantId);
  const created = await apiGateway.send(
    new CreateApiKeyCommand({
      name: awsKeyName(value),
      description: `Partner key of tenant ${tenantId}, plan ${plan} (${stackName})`,
      value,
      enabled: true,
      tags: { tenant: tenantId, plan, stack: stackName },
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

/**
 * Disables the key (kept, with its tags, for the record), if it is one of this stack's plans' keys;
 * false when the stack has no such key.
 */
async function revokeOnAws(stackName: string, key: string): Promise<boolean> {
  const planIds = Object.values(await usagePlanIds(stackName));
  const apiGateway = new APIGatewayClient({});
  const { items } = await apiGateway.send(new GetApiKeysCommand({ nameQuery: awsKeyName(key), includeValues: true }));
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
  await apiGateway.send(
    new UpdateApiKeyCommand({
      apiKey: found.id,
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    }),
  );
  return true;
}

/** `--revoke -` reads the key from stdin: a key on the command line shows in ps and the shell's history. */
const keyToRevoke = (value: string) => (value === '-' ? readFileSync(0, 'utf8').trim() : value);

try {
  const command = parse();
  const store = new LocalApiKeyStore(apiKeyFileIn(dataDirectory()));
  if (command.action === 'issue') {
    const key = command.stack
      ? await issueOnAws(command.stack, command.tenantId, command.plan)
      : store.issue(command.tenantId, command.plan);
    process.stdout.write(`${key}\n`);
  } else {
    const revoked = command.stack ? await revokeOnAws(command.stack, command.key) : store.revoke(command.key);
    if (!revoked) throw new Error(`no such key ${command.stack ? `in stack ${command.stack}` : 'in this data folder'}`);
    process.stderr.write('api-key: revoked\n');
  }
} catch (error) {
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`api-key: ${(error as Error).message}\n${usage ? USAGE : ''}`);
  process.exit(usage ? 2 : 1);
}
