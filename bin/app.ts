#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MeetingApiStack, type ExternalIssuer } from '../lib/meeting-api-stack.js';
import { acknowledgeFindings, applyNagPacks } from '../lib/nag.js';

const app = new App();
const context = (name: string) => app.node.tryGetContext(name) as string | undefined;

// cdk deploy -c jwtIssuer=... -c jwtJwksUri=... -c jwtAudience=... [-c tenantClaim=... -c readScope=... -c writeScope=...]
const issuer = context('jwtIssuer');
let externalIssuer: ExternalIssuer | undefined;
if (issuer) {
  const jwksUri = context('jwtJwksUri');
  const audience = context('jwtAudience');
  if (!jwksUri || !audience)
    throw new Error('With -c jwtIssuer, also give -c jwtJwksUri=<https URL> and -c jwtAudience=<aud,...|*>');
  externalIssuer = {
    issuer,
    jwksUri,
    audience,
    tenantClaim: context('tenantClaim'),
    readScope: context('readScope'),
    writeScope: context('writeScope'),
  };
}

const stack = new MeetingApiStack(app, 'MeetingApi', {
  externalIssuer,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
applyNagPacks(app);
acknowledgeFindings(stack);
