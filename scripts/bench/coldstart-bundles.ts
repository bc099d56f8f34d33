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
import { LogLevel, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { MeetingApiStack } from '../../lib/meeting-api-stack.js';

export const REGION = 'eu-north-1';
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A function's folder under functions/, e.g. get-meeting. */
export type FunctionName = string;

/** A function's bundle (index.mjs or index.js, as bundled) and its deployed environment. */
export interface Bundle {
  bundle: string;
  variables: Record<string, string>;
  /** Its deployed timeout: the runner's context counts the time left from it, as Lambda's does. */
  timeoutSeconds: number;
}
export type Bundles = Map<FunctionName, Bundle>;

type Template = {
  Resources: Record<
    string,
    {
      Type: string;
      Metadata?: Record<string, string>;
      Properties: { Environment?: { Variables?: Record<string, unknown> }; Timeout?: number };
    }
  >;
};

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
/** The metadata that names a function's source folder (lib/constructs/service-function.ts). */
const FUNCTION_METADATA = 'meeting-api:function';

/**
 * Each Lambda function of a synthesized stack by the functions/ folder its metadata names (ours:
 * lib/constructs/service-function.ts; the references get the same), skipping CDK's own helpers.
 */
function functionsOf(outdir: string, template: Template): Bundles {
  const found: Bundles = new Map();
  for (const resource of Object.values(template.Resources)) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    const name = resource.Metadata?.[FUNCTION_METADATA];
    if (resource.Type !== 'AWS::Lambda::Function' || !assetPath || !name) continue;
    // References (table name, issuer, queue) become placeholders; the bench overrides what the code reads.
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
      // Lambda's default when the template sets none.
      timeoutSeconds: resource.Properties.Timeout ?? 3,
    });
  }
  if (found.size === 0) throw new Error(`no function with ${FUNCTION_METADATA} metadata in ${outdir}`);
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

/**
 * The references with NodejsFunction defaults, the way AWS documents them: one for each of `names`
 * (every function the stack deploys), or an error naming those that have none.
 */
export function synthReferences(workDir: string, names: readonly FunctionName[]): Bundles {
  const entryOf = (name: string) => join(projectRoot, 'scripts', 'coldstart-reference', `${name}.ts`);
  const missing = names.filter((name) => !existsSync(entryOf(name)));
  if (missing.length)
    throw new Error(`no cold start reference for ${missing.join(', ')}: add scripts/coldstart-reference/<name>.ts`);
  const outdir = join(workDir, 'reference');
  const app = benchApp(outdir);
  const stack = new Stack(app, 'ColdStartReference', { env });
  for (const name of names) {
    const fn = new NodejsFunction(stack, `${pascal(name)}Function`, {
      entry: entryOf(name),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      bundling: { forceDockerBundling: false, logLevel: LogLevel.WARNING },
    });
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata(FUNCTION_METADATA, name);
  }
  return functionsOf(outdir, app.synth().getStackByName('ColdStartReference').template as Template);
}
