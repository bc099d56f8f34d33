/**
 * The bundles bench:coldstart starts: ours from a real CDK synth of lib/meeting-api-stack.ts,
 * exactly as deployed, and the references (scripts/coldstart-reference/) from a synth of a tiny
 * stack of NodejsFunctions with default bundling.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { MeetingApiStack } from '../../lib/meeting-api-stack.js';

export const REGION = 'eu-north-1';
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ALL_FUNCTIONS = [
  'authorizer',
  'create-meeting',
  'search-meetings',
  'get-meeting',
  'update-meeting',
  'delete-meeting',
  'list-meeting-changes',
] as const;
export type FunctionName = (typeof ALL_FUNCTIONS)[number];

/** A function's bundle (index.mjs or index.js, as bundled) and its deployed environment. */
export interface Bundle {
  bundle: string;
  variables: Record<string, string>;
}
export type Bundles = Map<FunctionName, Bundle>;

type Template = {
  Resources: Record<
    string,
    {
      Type: string;
      Metadata?: Record<string, string>;
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }
  >;
};

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/** Each Lambda function of a synthesized stack, found by the logical id our naming gives it. */
function functionsOf(outdir: string, template: Template): Bundles {
  const found: Bundles = new Map();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
    const name = ALL_FUNCTIONS.find((n) => logicalId.replace(/[0-9A-F]{8}$/, '') === `${pascal(n)}Function`);
    if (!name) continue; // not one of ours (CDK's own helper functions)
    // References (table name, issuer) become placeholders; the bench overrides what the code reads.
    const variables = Object.fromEntries(
      Object.entries(resource.Properties.Environment?.Variables ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : `bench-${k.toLowerCase()}`,
      ]),
    );
    const asset = join(outdir, assetPath);
    found.set(name, {
      bundle: join(asset, existsSync(join(asset, 'index.mjs')) ? 'index.mjs' : 'index.js'),
      variables,
    });
  }
  for (const name of ALL_FUNCTIONS)
    if (!found.has(name)) throw new Error(`no bundle of ${name} in the synthesized assembly ${outdir}`);
  return found;
}

/** An app whose synth leaves each asset's path in the template, where functionsOf finds the bundles. */
const benchApp = (outdir: string) => new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
const env = { account: '111111111111', region: REGION };

/** Our functions as deployed: the production stack, synthesized with its own bundling. */
export function synthOurs(workDir: string): Bundles {
  const outdir = join(workDir, 'ours');
  const app = benchApp(outdir);
  new MeetingApiStack(app, 'ColdStartBench', { env });
  return functionsOf(outdir, app.synth().getStackByName('ColdStartBench').template as Template);
}

/** The references with NodejsFunction defaults, the way AWS documents them. */
export function synthReferences(workDir: string): Bundles {
  const outdir = join(workDir, 'reference');
  const app = benchApp(outdir);
  const stack = new Stack(app, 'ColdStartReference', { env });
  for (const name of ALL_FUNCTIONS) {
    new NodejsFunction(stack, `${pascal(name)}Function`, {
      entry: join(projectRoot, 'scripts', 'coldstart-reference', `${name}.ts`),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      bundling: { forceDockerBundling: false },
    });
  }
  return functionsOf(outdir, app.synth().getStackByName('ColdStartReference').template as Template);
}
