/**
 * npm run -s api-key -- --tenant ID [--plan NAME] [--stack NAME] | --revoke KEY [--stack NAME]
 *
 * Issues a partner key for a tenant on a usage plan and prints it (the key itself, one line), or
 * revokes one. Without --stack, in the local runner's data folder (DATA_DIR, default .data); with
 * --stack, in API Gateway for that deployed stack (AWS credentials and region from the
 * environment, as the AWS CLI finds them): the key is created with its tenant and plan as tags,
 * bound to the plan's usage plan, and a revoked key (one of that stack's) is disabled.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { exitOnError, UsageError } from '../scripts/ops/command-line.js';
import { revokeKeyOnAws } from '../scripts/ops/partner-keys-on-aws.js';
import { issueTenantKey } from '../scripts/ops/partners.js';
import { StackOutputs } from '../scripts/ops/stack-outputs.js';
import { DEFAULT_USAGE_PLAN, isUsagePlanName, USAGE_PLANS, type UsagePlanName } from '../shared/auth/api-keys.js';
import { TENANT_ID_PATTERN } from '../shared/auth/token-verifier.js';
import { apiKeyFileIn, LocalApiKeyStore } from './api-key-store.js';
import { dataDirectory } from './data-dir.js';

const USAGE =
  'usage: npm run -s api-key -- --tenant ID [--plan NAME] [--stack NAME]\n' +
  '       npm run -s api-key -- --revoke KEY|- [--stack NAME]   (-: the key from stdin)\n' +
  `plans: ${Object.keys(USAGE_PLANS).join(', ')} (default ${DEFAULT_USAGE_PLAN})\n`;

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

const issueOnAws = async (stackName: string, tenantId: string, plan: UsagePlanName) =>
  issueTenantKey(
    { cognito: new CognitoIdentityProviderClient({}), apiGateway: new APIGatewayClient({}) },
    await StackOutputs.read(stackName),
    tenantId,
    plan,
  );

const revokeOnAws = async (stackName: string, key: string) =>
  revokeKeyOnAws(new APIGatewayClient({}), await StackOutputs.read(stackName), key);

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
  exitOnError('api-key', USAGE, error);
}
