/**
 * The functions reach DynamoDB through shared/dynamodb/dynamodb-client.ts. An AWS SDK client or
 * the Smithy runtime back in a function's import graph would bring back ~200 KB and ~30 ms of
 * every cold start (docs/performance.md), so the graph is checked here.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.js';

const functionNames = ['authorizer', ...routes.map((route) => route.functionName)];

/** The npm packages a module's import graph reaches, as esbuild resolves it for the bundles. */
async function packagesOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    outdir: 'unused',
    logLevel: 'silent',
  });
  const names = Object.keys(result.metafile.inputs).map((input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]);
  return [...new Set(names.filter((name): name is string => name !== undefined))].sort();
}

describe('function dependencies', () => {
  it.each(functionNames)('%s imports no AWS SDK client and no Smithy runtime', async (functionName) => {
    const packages = await packagesOf(join('functions', functionName, 'handler.ts'));
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((name) => name.startsWith('@smithy/') || (name.startsWith('@aws-sdk/') && name !== '@aws-sdk/util-dynamodb'))).toEqual([]);
  });

  it('the check sees the SDK when it is there', async () => {
    // local/dynamodb-local.ts uses the SDK on purpose (table setup); the same walk must find it.
    expect(await packagesOf('local/dynamodb-local.ts')).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@smithy/core']));
  });
});
