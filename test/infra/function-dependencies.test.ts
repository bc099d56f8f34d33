/**
 * Every function that touches DynamoDB does so through AWS SDK v3's document client (the stack's
 * chosen library), checked on each function's import graph as esbuild resolves it for the bundles;
 * the authorizer touches no DynamoDB and carries no SDK.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.js';

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
  const names = Object.keys(result.metafile.inputs).map(
    (input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1],
  );
  return [...new Set(names.filter((name): name is string => name !== undefined))].sort();
}

describe('function dependencies', () => {
  it.each(routes.map((route) => route.functionName))(
    '%s reaches DynamoDB through the AWS SDK document client',
    async (functionName) => {
      const packages = await packagesOf(join('functions', functionName, 'handler.ts'));
      expect(packages).toEqual(
        expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@smithy/node-http-handler']),
      );
    },
  );

  it('the authorizer carries no AWS SDK client and no middy', async () => {
    const packages = await packagesOf(join('functions', 'authorizer', 'handler.ts'));
    expect(packages).toContain('aws-jwt-verify');
    expect(packages).not.toContain('@middy/core');
    expect(packages.filter((name) => name.startsWith('@aws-sdk/client-') || name === '@aws-sdk/lib-dynamodb')).toEqual(
      [],
    );
  });
});
