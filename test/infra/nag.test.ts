import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MeetingApiStack } from '../../lib/meeting-api-stack.js';
import { acknowledgeFindings, applyNagPacks } from '../../lib/nag.js';
import { projectApp } from '../support/cdk-app.js';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synth(options: { acknowledged: boolean; externalIssuer?: boolean }) {
  const outdir = mkdtempSync(join(tmpdir(), 'meeting-api-nag-'));
  outdirs.push(outdir);
  const app = projectApp({}, { outdir });
  const stack = new MeetingApiStack(app, 'NagStack', {
    env: { account: '111111111111', region: 'eu-north-1' },
    ...(options.externalIssuer
      ? {
          externalIssuer: {
            issuer: 'https://issuer.example',
            jwksUri: 'https://issuer.example/jwks.json',
            audience: 'meeting-api',
          },
          // Partner keys and usage plans, checked in the same synth.
          requireApiKey: true,
        }
      : {}),
  });
  applyNagPacks(app);
  if (options.acknowledged) acknowledgeFindings(stack);
  return () => app.synth();
}

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  it('passes with the acknowledged findings, with the Cognito pool, and with an external issuer and partner keys', () => {
    expect(synth({ acknowledged: true })).not.toThrow();
    expect(synth({ acknowledged: true, externalIssuer: true })).not.toThrow();
  }, 120_000);

  it('fails without them, so the packs really run', () => {
    const unacknowledged = synth({ acknowledged: false });
    expect(unacknowledged).toThrow(/Serverless-LambdaDLQ/);
    expect(unacknowledged).toThrow(/AwsSolutions-COG4/);
  }, 120_000);
});
