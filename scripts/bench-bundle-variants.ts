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
import { percentile } from './bench/stats.js';
import { printTable } from './bench/table.js';

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

interface Loaders {
  plain: string;
  cached: string;
}
interface Variant {
  name: string;
  file: string;
  args: string[];
}

// The middle sample; of an even count the upper one, not the mean of two, so that each figure is a load measured.
const middle = (values: number[]) => percentile(values, 0.5);

// As the Lambda runtime loads a handler: import() for ES modules, require() for CommonJS.
function writeLoaders(dir: string): Loaders {
  const plain = join(dir, 'load.mjs');
  const load =
    "const m = process.argv[2]; m.endsWith('.mjs') ? await import(m) : process.getBuiltinModule('module').createRequire(import.meta.url)(new URL(m).pathname);\n";
  writeFileSync(plain, load);
  const cached = join(dir, 'load-cached.mjs');
  writeFileSync(
    cached,
    `process.getBuiltinModule('module').enableCompileCache({ directory: process.argv[3], portable: true });\n${load}`,
  );
  return { plain, cached };
}

// One process from spawn to exit: what a cold start pays for loading the module.
function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`${args.join(' ')}: ${run.stderr.toString()}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// Each variant undoes one choice of production bundling, so its row is what that choice is worth.
async function buildVariants(fn: string, dir: string, loaders: Loaders): Promise<Variant[]> {
  const bundles: Variant[] = [];
  for (const [name, { compileCache, ...options }] of Object.entries(VARIANTS)) {
    const file = join(dir, `${fn}-${bundles.length}.${options.format === 'esm' ? 'mjs' : 'cjs'}`);
    await build({ ...options, entryPoints: [join('functions', fn, 'handler.ts')], outfile: file });
    const href = pathToFileURL(file).href;
    bundles.push({
      name,
      file: href,
      args: compileCache ? [loaders.cached, href, join(dir, `${fn}-cache`)] : [loaders.plain, href],
    });
  }
  return bundles;
}

// Interleaved with `node -e 0`, the order reversed every other run, so that drift hits every variant alike.
function timeLoads(bundles: Variant[]): { samples: Map<string, number[]>; empties: number[] } {
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  const empties: number[] = [];
  for (const b of bundles) time(b.args); // warm the file cache (and make the compile cache)
  for (let i = 0; i < RUNS; i++) {
    empties.push(time(['-e', '0']));
    for (const b of i % 2 ? [...bundles].reverse() : bundles) samples.get(b.name)!.push(time(b.args));
  }
  return { samples, empties };
}

// A row per variant, against production, in the columns other tooling reads.
function printVariants(fn: string, bundles: Variant[], samples: Map<string, number[]>, empties: number[]): void {
  console.log(
    `\n${fn}: node ${process.version}, ${RUNS} runs each, medians; node -e 0: ${middle(empties).toFixed(1)} ms`,
  );
  const productionMs = middle(samples.get('production')!);
  const rows = bundles.map((b) => ({
    name: b.name,
    kib: statSync(new URL(b.file)).size / 1024,
    ms: middle(samples.get(b.name)!),
  }));
  printTable<(typeof rows)[number]>(
    [
      { title: 'variant', width: 58, align: 'left', cell: (r) => r.name },
      { title: 'KiB', width: 7, align: 'right', cell: (r) => r.kib.toFixed(1) },
      { title: 'load ms', width: 8, align: 'right', cell: (r) => r.ms.toFixed(1) },
      {
        title: 'vs production',
        width: 14,
        align: 'right',
        cell: (r) => `${r.ms - productionMs >= 0 ? '+' : ''}${(r.ms - productionMs).toFixed(1)} ms`,
      },
    ],
    rows,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'meeting-api-variants-'));
try {
  const loaders = writeLoaders(dir);
  for (const fn of ['get-meeting', 'authorizer']) {
    const bundles = await buildVariants(fn, dir, loaders);
    const { samples, empties } = timeLoads(bundles);
    printVariants(fn, bundles, samples, empties);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
