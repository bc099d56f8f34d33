/**
 * npm run bench:bundle-variants: what each bundling choice of lib/bundling/production-bundling.ts
 * is worth. Builds the GetMeeting and Authorizer bundles once as production does and once per
 * variant that undoes one choice, then times spawn -> module imported (as the Lambda runtime
 * imports it) for each, interleaved with `node -e 0`; medians of BENCH_RUNS (default 21).
 * A figure for docs/performance.md, not a goal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type BuildOptions } from 'esbuild';
import { productionBundling } from '../lib/bundling/production-bundling.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const production = productionBundling();
const aliases = Object.fromEntries(
  Object.entries(production.esbuildArgs ?? {})
    .filter(([flag]) => flag.startsWith('--alias:'))
    .map(([flag, target]) => [flag.slice('--alias:'.length), String(target)]),
);

const base: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: production.format === OutputFormat.ESM ? 'esm' : 'cjs',
  target: production.target,
  minify: production.minify,
  mainFields: production.mainFields,
  alias: aliases,
  logLevel: 'silent',
};
const esm: BuildOptions = {
  ...base,
  format: 'esm',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
};
const VARIANTS: Record<string, BuildOptions & { compileCache?: boolean }> = {
  production: base,
  // Node's portable V8 code cache, made by one run at build time and shipped beside the bundle.
  'production + compile cache made at build time': { ...base, compileCache: true },
  'ES module output (index.mjs)': esm,
  'no module-first mainFields (esbuild default main,module)': { ...base, mainFields: undefined },
  'not minified': { ...base, minify: false },
  'SDK default credential chain bundled': { ...base, alias: {} },
};

const dir = mkdtempSync(join(tmpdir(), 'meeting-api-variants-'));
try {
  const loader = join(dir, 'load.mjs');
  // As the Lambda runtime loads a handler: import() for ES modules, require() for CommonJS.
  const load =
    "const m = process.argv[2]; m.endsWith('.mjs') ? await import(m) : process.getBuiltinModule('module').createRequire(import.meta.url)(new URL(m).pathname);\n";
  writeFileSync(loader, load);
  const cachedLoader = join(dir, 'load-cached.mjs');
  writeFileSync(
    cachedLoader,
    `process.getBuiltinModule('module').enableCompileCache({ directory: process.argv[3], portable: true });\n${load}`,
  );
  const env = {
    PATH: process.env.PATH,
    TABLE_NAME: 't',
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 's',
    JWT_ISSUER: 'https://issuer.invalid',
    JWT_AUDIENCE: 'meeting-api',
    JWT_JWKS_URI: 'https://issuer.invalid/jwks.json',
  };
  const time = (args: string[]) => {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (run.status !== 0) throw new Error(`${args.join(' ')}: ${run.stderr.toString()}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  for (const fn of ['get-meeting', 'authorizer']) {
    const bundles: Array<{ name: string; file: string; args: string[] }> = [];
    for (const [name, { compileCache, ...options }] of Object.entries(VARIANTS)) {
      const file = join(dir, `${fn}-${bundles.length}.${options.format === 'esm' ? 'mjs' : 'cjs'}`);
      await build({ ...options, entryPoints: [join('functions', fn, 'handler.ts')], outfile: file });
      const href = pathToFileURL(file).href;
      bundles.push({
        name,
        file: href,
        args: compileCache ? [cachedLoader, href, join(dir, `${fn}-cache`)] : [loader, href],
      });
    }
    const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    const empties: number[] = [];
    for (const b of bundles) time(b.args); // warm the file cache (and make the compile cache)
    for (let i = 0; i < RUNS; i++) {
      empties.push(time(['-e', '0']));
      for (const b of i % 2 ? [...bundles].reverse() : bundles) samples.get(b.name)!.push(time(b.args));
    }
    console.log(
      `\n${fn}: node ${process.version}, ${RUNS} runs each, medians; node -e 0: ${median(empties).toFixed(1)} ms`,
    );
    console.log('variant'.padEnd(58), 'KiB'.padStart(7), 'load ms'.padStart(8), 'vs production'.padStart(14));
    const productionMs = median(samples.get('production')!);
    for (const b of bundles) {
      const ms = median(samples.get(b.name)!);
      const kib = statSync(new URL(b.file)).size / 1024;
      console.log(
        b.name.padEnd(58),
        kib.toFixed(1).padStart(7),
        ms.toFixed(1).padStart(8),
        `${ms - productionMs >= 0 ? '+' : ''}${(ms - productionMs).toFixed(1)} ms`.padStart(14),
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
