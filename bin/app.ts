#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MeetingApiStack, type ExternalIssuer } from '../lib/meeting-api-stack.js';
import { acknowledgeFindings, applyNagPacks } from '../lib/nag.js';
import { ContextError, stageOf } from '../lib/stage.js';

function main() {
  const app = new App();
  const context = (name: string) => app.node.tryGetContext(name) as string | undefined;

  // cdk deploy -c jwtIssuer=... -c jwtJwksUri=... -c jwtAudience=... [-c tenantClaim=... -c readScope=... -c writeScope=... -c privacyScope=...]
  const issuer = context('jwtIssuer');
  let externalIssuer: ExternalIssuer | undefined;
  if (issuer) {
    const jwksUri = context('jwtJwksUri');
    const audience = context('jwtAudience');
    if (!jwksUri || !audience)
      throw new ContextError('With -c jwtIssuer, also give -c jwtJwksUri=<https URL> and -c jwtAudience=<aud,...|*>');
    externalIssuer = {
      issuer,
      jwksUri,
      audience,
      tenantClaim: context('tenantClaim'),
      readScope: context('readScope'),
      writeScope: context('writeScope'),
      privacyScope: context('privacyScope'),
    };
  }

  // cdk deploy [-c stage=dev|prod] [-c domainName=api.example.com -c certificateArn=arn:aws:acm:...]
  const stage = stageOf(app);
  const domainName = context('domainName');
  const certificateArn = context('certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn))
    throw new ContextError(
      'A custom domain needs both -c domainName=<name> and -c certificateArn=<ACM certificate ARN in the region>',
    );

  // -c requireApiKey=true, or in cdk.json's context per stage: "requireApiKey": { "prod": true }.
  const requireApiKeySetting: unknown = app.node.tryGetContext('requireApiKey');
  const requireApiKey =
    typeof requireApiKeySetting === 'object' && requireApiKeySetting !== null
      ? (requireApiKeySetting as Record<string, unknown>)[stage.name]
      : requireApiKeySetting;
  if (requireApiKey !== undefined && !['true', 'false', true, false].includes(requireApiKey as string))
    throw new ContextError(
      `-c requireApiKey must be true or false (or per stage in cdk.json), got ${JSON.stringify(requireApiKey)}`,
    );

  const stack = new MeetingApiStack(app, `MeetingApi-${stage.name}`, {
    requireApiKey: String(requireApiKey) === 'true',
    externalIssuer,
    customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  applyNagPacks(app);
  acknowledgeFindings(stack);
}

try {
  main();
} catch (error) {
  // A bad -c setting is the user's to fix: its message, not a stack trace.
  if (!(error instanceof ContextError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exitCode = 1;
}
