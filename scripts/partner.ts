/**
 * npm run -s partner -- --stack NAME --name LABEL [--plan standard|premium] [--read-only] [--privacy]
 * npm run -s partner -- --stack NAME --revoke CLIENT_ID
 *
 * Onboards a partner system on a deployed stack whose tokens come from its Cognito user pool: its
 * app client (client credentials, the scopes asked for) and, where the stack requires partner keys,
 * its API key; prints once what the partner needs. --revoke deletes the client and disables its
 * keys. AWS credentials and region come from the environment, as the AWS CLI finds them.
 */
import { parseArgs } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_USAGE_PLAN, isUsagePlanName, USAGE_PLANS } from '../shared/auth/api-keys.js';
import { exitOnError, UsageError } from './ops/command-line.js';
import { handoverText, onboardPartner, PARTNER_NAME_PATTERN, revokePartner } from './ops/partners.js';
import { StackOutputs } from './ops/stack-outputs.js';

const USAGE =
  'usage: npm run -s partner -- --stack NAME --name LABEL [--plan standard|premium] [--read-only] [--privacy]\n' +
  '       npm run -s partner -- --stack NAME --revoke CLIENT_ID\n';

function parse() {
  const { values } = parseArgs({
    options: {
      stack: { type: 'string' },
      name: { type: 'string' },
      plan: { type: 'string', default: DEFAULT_USAGE_PLAN },
      'read-only': { type: 'boolean', default: false },
      privacy: { type: 'boolean', default: false },
      revoke: { type: 'string' },
    },
    strict: true,
  });
  if (!values.stack) throw new UsageError('give --stack NAME (the deployed stack, e.g. MeetingApi-prod)');
  if (values.revoke !== undefined) {
    if (values.name !== undefined) throw new UsageError('--revoke takes no --name');
    if (!values.revoke.trim()) throw new UsageError('--revoke needs the partner client id');
    return { action: 'revoke' as const, stack: values.stack, clientId: values.revoke.trim() };
  }
  if (values.name === undefined) throw new UsageError('give --name LABEL (or --revoke CLIENT_ID)');
  if (!PARTNER_NAME_PATTERN.test(values.name))
    throw new UsageError(`--name may hold letters, digits, spaces and + = , . @ _ - (1..128), got "${values.name}"`);
  if (!isUsagePlanName(values.plan))
    throw new UsageError(`--plan must be one of ${Object.keys(USAGE_PLANS).join(', ')}, got "${values.plan}"`);
  return {
    action: 'onboard' as const,
    stack: values.stack,
    partner: { name: values.name, plan: values.plan, readOnly: values['read-only'], privacy: values.privacy },
  };
}

try {
  const command = parse();
  const outputs = await StackOutputs.read(command.stack);
  const clients = { cognito: new CognitoIdentityProviderClient({}), apiGateway: new APIGatewayClient({}) };
  if (command.action === 'onboard') {
    process.stdout.write(handoverText(await onboardPartner(clients, outputs, command.partner)));
  } else {
    const { clientDeleted, keysDisabled } = await revokePartner(clients, outputs, command.clientId);
    if (!clientDeleted && keysDisabled === 0)
      throw new Error(`no partner ${command.clientId} in stack ${command.stack}`);
    process.stderr.write(
      `partner: ${clientDeleted ? 'client deleted' : 'no such client (already deleted)'}, ${keysDisabled} key(s) disabled\n`,
    );
  }
} catch (error) {
  exitOnError('partner', USAGE, error);
}
