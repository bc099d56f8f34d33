import { mkdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, '..', '..');

/**
 * `import x from "node:http"` in an ES module makes Node build the module's ESM facade, which
 * reads every lazy export (node:http's pull in its whole fetch implementation). A CommonJS
 * require() does not. So every `node:` import is routed to a one-line CommonJS shim.
 */
function builtinShims(): Record<string, string> {
  const dir = join(projectRoot, 'node_modules', '.cache', 'meeting-api', 'node-builtins');
  mkdirSync(dir, { recursive: true });
  const aliases: Record<string, string> = {};
  for (const name of builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'))) {
    const file = join(dir, `${name.replace(/\//g, '__')}.cjs`);
    writeFileSync(file, `module.exports = require(${JSON.stringify(name)});\n`);
    aliases[`--alias:node:${name}`] = file;
  }
  return aliases;
}

/** How every function is bundled: the stack and `npm run bench:coldstart` use exactly this. */
export function productionBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    minify: true,
    sourceMap: true,
    target: 'node24',
    mainFields: ['module', 'main'],
    // Bundled and tree-shaken, the SDK loads faster than the runtime's copy, and its version is ours.
    bundleAwsSDK: true,
    // CommonJS code bundled into ESM (and the shims) still calls require().
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    forceDockerBundling: false,
    logLevel: LogLevel.WARNING,
    esbuildArgs: {
      ...builtinShims(),
      '--alias:@aws-sdk/credential-provider-node': join(here, 'lambda-credentials.ts'),
    },
  };
}
