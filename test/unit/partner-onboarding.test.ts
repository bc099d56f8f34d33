/**
 * npm run -s partner's work against a deployed stack, with the AWS SDK's calls recorded
 * (aws-sdk-client-mock): no AWS account is reachable here. What is asserted is what the calls ask
 * AWS to do (the client's flows and scopes, the key's tenant and plan) and what the partner is told.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handoverText, issueTenantKey, onboardPartner, revokePartner } from '../../scripts/ops/partners.js';
import { StackOutputs } from '../../scripts/ops/stack-outputs.js';

const cloudFormation = mockClient(CloudFormationClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const apiGateway = mockClient(APIGatewayClient);
const clients = {
  cognito: new CognitoIdentityProviderClient({ region: 'eu-north-1' }),
  apiGateway: new APIGatewayClient({ region: 'eu-north-1' }),
};

const STACK = 'MeetingApi-prod';
const API_URL = 'https://abc123.execute-api.eu-north-1.amazonaws.com/v1/';
const TOKEN_URL = 'https://meeting-api-prod-123456789012.auth.eu-north-1.amazoncognito.com/oauth2/token';

function stackWith(outputs: Record<string, string>) {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: STACK,
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  return StackOutputs.read(STACK, new CloudFormationClient({ region: 'eu-north-1' }));
}

const cognitoStack = (partnerKeysRequired: boolean) =>
  stackWith({
    ApiUrl: API_URL,
    TokenUrl: TOKEN_URL,
    UserPoolId: 'eu-north-1_AbCdEf123',
    UsagePlanIds: JSON.stringify({ standard: 'plan-std', premium: 'plan-prem' }),
    PartnerKeysRequired: String(partnerKeysRequired),
  });

beforeEach(() => {
  cloudFormation.reset();
  cognito.reset();
  apiGateway.reset();
  cognito
    .on(CreateUserPoolClientCommand)
    .resolves({ UserPoolClient: { ClientId: '4abc5def6ghi', ClientSecret: 'the-secret' } });
  apiGateway.on(CreateApiKeyCommand).resolves({ id: 'key-id-1' });
});

describe('onboarding a partner', () => {
  it('creates a client-credentials app client with read and write, and its key on the plan asked for', async () => {
    const outputs = await cognitoStack(true);
    const handover = await onboardPartner(clients, outputs, {
      name: 'Acme CRM',
      plan: 'premium',
      readOnly: false,
      privacy: false,
    });

    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]!.args[0].input).toMatchObject({
      UserPoolId: 'eu-north-1_AbCdEf123',
      ClientName: 'Acme CRM',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['meetings/read', 'meetings/write'],
    });
    // The key's tenant is the client id: the tenant the authorizer reads from the partner's tokens.
    const key = apiGateway.commandCalls(CreateApiKeyCommand)[0]!.args[0].input;
    expect(key.tags).toEqual({ tenant: '4abc5def6ghi', plan: 'premium', stack: STACK });
    expect(key.value).toBe(handover.apiKey?.value);
    expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: 'plan-prem',
      keyId: 'key-id-1',
      keyType: 'API_KEY',
    });

    const text = handoverText(handover);
    for (const value of [API_URL, TOKEN_URL, '4abc5def6ghi', 'the-secret', handover.apiKey!.value])
      expect(text).toContain(value);
    expect(text).toContain("--data-urlencode scope='meetings/read meetings/write'");
    expect(text).toContain(`x-api-key: ${handover.apiKey!.value}`);
  });

  it('asks for read only, or adds the privacy scope, as told', async () => {
    const outputs = await cognitoStack(false);
    await onboardPartner(clients, outputs, { name: 'Reader', plan: 'standard', readOnly: true, privacy: false });
    await onboardPartner(clients, outputs, { name: 'DPO tool', plan: 'standard', readOnly: true, privacy: true });
    expect(
      cognito.commandCalls(CreateUserPoolClientCommand).map((call) => call.args[0].input.AllowedOAuthScopes),
    ).toEqual([['meetings/read'], ['meetings/read', 'meetings/privacy']]);
  });

  it('makes no key where the stack requires none, and says nothing of one', async () => {
    const handover = await onboardPartner(clients, await cognitoStack(false), {
      name: 'Acme',
      plan: 'standard',
      readOnly: false,
      privacy: false,
    });
    expect(apiGateway.calls()).toHaveLength(0);
    expect(handover.apiKey).toBeUndefined();
    expect(handoverText(handover)).not.toContain('x-api-key');
  });

  it('deletes the new client again when its key cannot be made', async () => {
    apiGateway.on(CreateUsagePlanKeyCommand).rejects(new Error('TooManyRequestsException'));
    await expect(
      onboardPartner(clients, await cognitoStack(true), {
        name: 'Acme',
        plan: 'standard',
        readOnly: false,
        privacy: false,
      }),
    ).rejects.toThrow('TooManyRequestsException');
    expect(apiGateway.commandCalls(DeleteApiKeyCommand)[0]!.args[0].input).toEqual({ apiKey: 'key-id-1' });
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'eu-north-1_AbCdEf123',
      ClientId: '4abc5def6ghi',
    });
  });

  it('refuses a stack whose tokens come from another issuer, and says what to do there', async () => {
    const outputs = await stackWith({ ApiUrl: API_URL, UsagePlanIds: '{"standard":"plan-std"}' });
    await expect(
      onboardPartner(clients, outputs, { name: 'Acme', plan: 'standard', readOnly: false, privacy: false }),
    ).rejects.toThrow(/another issuer.*npm run -s api-key/);
    expect(cognito.calls()).toHaveLength(0);
  });
});

describe('revoking a partner', () => {
  it("deletes its client and disables this stack's enabled keys of its tenant, over every page", async () => {
    const outputs = await cognitoStack(true);
    apiGateway
      .on(GetApiKeysCommand, { position: undefined })
      .resolves({
        items: [
          { id: 'k1', enabled: true, tags: { tenant: '4abc5def6ghi', stack: STACK } },
          { id: 'k2', enabled: true, tags: { tenant: 'someone-else', stack: STACK } },
        ],
        position: 'page-2',
      })
      .on(GetApiKeysCommand, { position: 'page-2' })
      .resolves({
        items: [
          { id: 'k3', enabled: true, tags: { tenant: '4abc5def6ghi', stack: 'MeetingApi-dev' } },
          { id: 'k4', enabled: false, tags: { tenant: '4abc5def6ghi', stack: STACK } },
          { id: 'k5', enabled: true, tags: { tenant: '4abc5def6ghi', stack: STACK } },
        ],
      });
    const revoked = await revokePartner(clients, outputs, '4abc5def6ghi');
    expect(revoked).toEqual({ clientDeleted: true, keysDisabled: 2 });
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)[0]!.args[0].input.ClientId).toBe('4abc5def6ghi');
    expect(apiGateway.commandCalls(UpdateApiKeyCommand).map((call) => call.args[0].input)).toEqual(
      ['k1', 'k5'].map((apiKey) => ({
        apiKey,
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      })),
    );
  });

  it('still disables the keys of a client already deleted', async () => {
    cognito.on(DeleteUserPoolClientCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    apiGateway
      .on(GetApiKeysCommand)
      .resolves({ items: [{ id: 'k1', enabled: true, tags: { tenant: 'x1', stack: STACK } }] });
    expect(await revokePartner(clients, await cognitoStack(true), 'x1')).toEqual({
      clientDeleted: false,
      keysDisabled: 1,
    });
  });
});

describe("a key's tenant on a Cognito stack (npm run -s api-key -- --stack)", () => {
  it("must be one of the pool's app clients: a key for any other tenant is refused, none is made", async () => {
    const outputs = await cognitoStack(true);
    cognito
      .on(DescribeUserPoolClientCommand, { ClientId: '4abc5def6ghi' })
      .resolves({ UserPoolClient: { ClientId: '4abc5def6ghi' } })
      .on(DescribeUserPoolClientCommand, { ClientId: 'acme' })
      .rejects(new ResourceNotFoundException({ message: 'no such client', $metadata: {} }));
    await expect(issueTenantKey(clients, outputs, 'acme', 'standard')).rejects.toThrow(
      /"acme" is none.*npm run -s partner/,
    );
    expect(apiGateway.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
    const key = await issueTenantKey(clients, outputs, '4abc5def6ghi', 'standard');
    expect(apiGateway.commandCalls(CreateApiKeyCommand)[0]!.args[0].input).toMatchObject({
      value: key,
      tags: { tenant: '4abc5def6ghi', plan: 'standard', stack: STACK },
    });
  });

  it('is whatever the other issuer names, where the stack has no user pool', async () => {
    const outputs = await stackWith({ ApiUrl: API_URL, UsagePlanIds: '{"standard":"plan-std"}' });
    await issueTenantKey(clients, outputs, 'acme', 'standard');
    expect(cognito.calls()).toHaveLength(0);
    expect(apiGateway.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input.usagePlanId).toBe('plan-std');
  });
});
