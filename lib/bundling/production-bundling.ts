import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * How every function is bundled: the stack, `npm run bench:coldstart` and
 * `npm run bench:bundle-variants` use exactly this. Each choice was measured against the plain
 * NodejsFunction defaults (docs/performance.md).
 */
export function productionBundling(): BundlingOptions {
  return {
    // CommonJS: the runtime require()s it, which skips the ES module loader's linking and the ESM
    // facades of Node's built-ins (docs/performance.md has what that saves).
    format: OutputFormat.CJS,
    minify: true,
    sourceMap: true,
    target: 'node24',
    // The SDK's ES module builds tree-shake; its CommonJS builds (esbuild's default order for
    // node) carry every command, about twice the bundle and its load time (docs/performance.md).
    mainFields: ['module', 'main'],
    // Bundled and tree-shaken, the SDK loads faster than the runtime's copy, and its version is ours.
    bundleAwsSDK: true,
    forceDockerBundling: false,
    logLevel: LogLevel.WARNING,
    esbuildArgs: {
      '--alias:@aws-sdk/credential-provider-node': join(here, 'lambda-credentials.ts'),
      // The SDK's ES module builds load some built-ins on first use with import() (node:http for an
      // http endpoint, node:async_hooks): in a CommonJS bundle that goes through the ES module
      // loader, whose facade of node:http also loads Node's bundled undici. Lowered, it is a require().
      '--supported:dynamic-import': 'false',
    },
  };
}
