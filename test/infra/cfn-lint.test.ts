/**
 * cfn-lint (CloudFormation's own linter) over the synthesized template of each stage: no error, no
 * warning but those silenced, with a reason, in .cfnlintrc.yaml.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MeetingApiStack } from '../../lib/meeting-api-stack.js';
import { STAGE_NAMES } from '../../lib/stage.js';
import { projectApp } from '../support/cdk-app.js';

const outdir = mkdtempSync(join(tmpdir(), 'meeting-api-cfn-lint-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const INSTALL_HINT =
  'cfn-lint is not installed: install it with `pipx install cfn-lint` (or `pip install cfn-lint`); ' +
  'see https://github.com/aws-cloudformation/cfn-lint';

const cfnLint = (...args: string[]) => spawnSync('cfn-lint', args, { encoding: 'utf8' });

describe('cfn-lint', () => {
  it('is installed', () => {
    const version = cfnLint('--version');
    expect(version.error ? INSTALL_HINT : version.stdout).toMatch(/^cfn-lint \d+\./);
  });

  it.each(STAGE_NAMES)(
    'finds nothing in the %s stage template (with a custom domain)',
    (stage) => {
      const app = projectApp({ stage, 'aws:cdk:bundling-stacks': [] }, { outdir });
      const stack = new MeetingApiStack(app, `MeetingApi-${stage}`, {
        env: { account: '111111111111', region: 'eu-north-1' },
        customDomain: {
          domainName: 'meetings.example.com',
          certificateArn: 'arn:aws:acm:eu-north-1:111111111111:certificate/5f9b3a35-9c7a-4f0e-9c39-2f1f8c7a1b2c',
        },
      });
      const assembly = app.synth();
      const template = join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile);
      // The stack's region, not the environment's (the test setup sets AWS_REGION=local for DynamoDB Local).
      const lint = cfnLint(
        '--config-file',
        '.cfnlintrc.yaml',
        '--regions',
        stack.region,
        '--format',
        'parseable',
        '--',
        template,
      );
      expect(lint.error ? INSTALL_HINT : `${lint.stdout}${lint.stderr}`).toBe('');
      expect(lint.status).toBe(0);
    },
    120_000,
  );
});
