/**
 * Partners of a deployed stack with Cognito as its token issuer: a partner system is an app client
 * of the stack's user pool (client credentials, the scopes it may ask for), and its client id is
 * its tenant; where the stack requires partner keys, it also gets a key for that tenant. Revoking
 * deletes the client (no new tokens; tokens already issued end within their 15 minutes) and
 * disables the tenant's keys (at once).
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { UsagePlanName } from '../../shared/auth/api-keys.js';
import { DEFAULT_SCOPES } from '../../shared/auth/auth-defaults.js';
import { STACK_OUTPUTS } from '../../shared/stack-outputs.js';
import { disableTenantKeys, issueKeyOnAws } from './partner-keys-on-aws.js';
import type { StackOutputs } from './stack-outputs.js';

/** As the stack's own demo client: short-lived tokens, refreshed by asking again. */
const ACCESS_TOKEN_MINUTES = 15;
/** Cognito's rule for an app client's name. */
export const PARTNER_NAME_PATTERN = /^[\w\s+=,.@-]{1,128}$/;

export interface PartnerClients {
  cognito: CognitoIdentityProviderClient;
  apiGateway: APIGatewayClient;
}

export interface NewPartner {
  name: string;
  plan: UsagePlanName;
  readOnly: boolean;
  privacy: boolean;
}

/** What the partner needs, shown once. */
export interface Handover {
  name: string;
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Where the stack requires partner keys. */
  apiKey?: { value: string; plan: UsagePlanName };
}

const scopesOf = ({ readOnly, privacy }: Pick<NewPartner, 'readOnly' | 'privacy'>) => [
  DEFAULT_SCOPES.read,
  ...(readOnly ? [] : [DEFAULT_SCOPES.write]),
  ...(privacy ? [DEFAULT_SCOPES.privacy] : []),
];

const userPoolOf = (outputs: StackOutputs) =>
  outputs.require(
    STACK_OUTPUTS.userPoolId,
    'it takes tokens from another issuer; create the partner there, then its key with npm run -s api-key -- --tenant <its tenant> --stack',
  );

export async function onboardPartner(
  clients: PartnerClients,
  outputs: StackOutputs,
  partner: NewPartner,
): Promise<Handover> {
  const userPoolId = userPoolOf(outputs);
  const apiUrl = outputs.require(STACK_OUTPUTS.apiUrl, 'is it a Meeting API stack?');
  const tokenUrl = outputs.require(STACK_OUTPUTS.tokenUrl, 'is it a Meeting API stack?');
  const scopes = scopesOf(partner);
  const { UserPoolClient } = await clients.cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: partner.name,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: scopes,
      AccessTokenValidity: ACCESS_TOKEN_MINUTES,
      TokenValidityUnits: { AccessToken: 'minutes' },
      EnableTokenRevocation: true,
    }),
  );
  const clientId = UserPoolClient?.ClientId;
  const clientSecret = UserPoolClient?.ClientSecret;
  if (!clientId || !clientSecret) throw new Error('Cognito answered without the new client id and secret');
  let apiKey: Handover['apiKey'];
  if (outputs.get(STACK_OUTPUTS.partnerKeysRequired) === 'true') {
    try {
      apiKey = { value: await issueKeyOnAws(clients.apiGateway, outputs, clientId, partner.plan), plan: partner.plan };
    } catch (error) {
      // No half-made partner: a client whose calls all fail for want of a key.
      await clients.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
      throw error;
    }
  }
  return { name: partner.name, apiUrl, tokenUrl, clientId, clientSecret, scopes, ...(apiKey ? { apiKey } : {}) };
}

/** Whether the stack's user pool has this app client (so that it can be a tenant). */
async function isPartnerClient(cognito: CognitoIdentityProviderClient, outputs: StackOutputs, clientId: string) {
  try {
    await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolOf(outputs), ClientId: clientId }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/**
 * A key for a tenant (npm run -s api-key -- --stack). Where the stack's own user pool issues the
 * tokens, the tenant is a partner's client id: a key for anything else would match no caller's token.
 */
export async function issueTenantKey(
  clients: PartnerClients,
  outputs: StackOutputs,
  tenantId: string,
  plan: UsagePlanName,
): Promise<string> {
  if (
    outputs.get(STACK_OUTPUTS.userPoolId) !== undefined &&
    !(await isPartnerClient(clients.cognito, outputs, tenantId))
  )
    throw new Error(
      `stack ${outputs.stackName} takes tokens from its user pool, where a tenant is an app client's id, and "${tenantId}" is none: onboard the partner with npm run -s partner -- --stack ${outputs.stackName} --name LABEL`,
    );
  return issueKeyOnAws(clients.apiGateway, outputs, tenantId, plan);
}

/** Deletes the partner's client and disables its keys; what was found of each. */
export async function revokePartner(clients: PartnerClients, outputs: StackOutputs, clientId: string) {
  const userPoolId = userPoolOf(outputs);
  let clientDeleted = true;
  try {
    await clients.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    clientDeleted = false;
  }
  const keysDisabled = await disableTenantKeys(clients.apiGateway, outputs, clientId);
  return { clientDeleted, keysDisabled };
}

const shellQuoted = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/** The handover text: each value on its line, then how to get a token and make a first call. */
export function handoverText(handover: Handover): string {
  const { apiUrl, tokenUrl, clientId, clientSecret, scopes, apiKey } = handover;
  const lines = [
    `Partner ${handover.name}: its tenant is its client id.`,
    `API URL:       ${apiUrl}`,
    `Token URL:     ${tokenUrl}`,
    `Client id:     ${clientId}`,
    `Client secret: ${clientSecret}`,
    `Scopes:        ${scopes.join(' ')}`,
    ...(apiKey ? [`API key:       ${apiKey.value}   (plan ${apiKey.plan}; send it as x-api-key)`] : []),
    '',
    'Get a token (valid 15 minutes; ask again for a new one):',
    `  TOKEN=$(curl -s -X POST ${shellQuoted(tokenUrl)} -u ${shellQuoted(`${clientId}:${clientSecret}`)} \\`,
    `    -d grant_type=client_credentials --data-urlencode scope=${shellQuoted(scopes.join(' '))} \\`,
    `    | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    'A first call:',
    `  curl -s ${shellQuoted(`${apiUrl.replace(/\/?$/, '/')}meetings?size=1`)} -H "Authorization: Bearer $TOKEN" \\`,
    `    -H "Request-ID: $(node -e 'console.log(crypto.randomUUID())')"${apiKey ? ` -H ${shellQuoted(`x-api-key: ${apiKey.value}`)}` : ''}`,
    '',
    'This command keeps no copy of the secret or the key: hand them over by a channel meant for secrets.',
  ];
  return `${lines.join('\n')}\n`;
}
