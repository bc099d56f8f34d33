/**
 * npm run bench:coldstart: builds the production bundles exactly as the stack does (a real CDK
 * synth with NodejsFunction and local esbuild), then prints per function the bundle size and the
 * time to start Node and load the module, side by side with `node -e 0`.
 * Goals: every bundle <= 500 KiB; load <= 2.5x the empty start (stretch 2.0x). Exit 1 on a FAIL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { MeetingApiStack } from '../lib/meeting-api-stack.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const MAX_BUNDLE_BYTES = 500 * 1024;
const GOAL_RATIO = 2.5;
const STRETCH_RATIO = 2.0;

const outdir = mkdtempSync(join(tmpdir(), 'meeting-api-coldstart-'));
try {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  new MeetingApiStack(app, 'ColdStartBench', { env: { account: '111111111111', region: 'eu-north-1' } });
  const assembly = app.synth();
  const template = assembly.getStackByName('ColdStartBench').template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  };

  // A loader that imports the bundle the way the Lambda runtime does and checks it exports a handler.
  const loader = join(outdir, 'load.mjs');
  writeFileSync(loader, "const m = await import(process.argv[2]); if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(3); }\n");

  const time = (args: string[], env: NodeJS.ProcessEnv): number => {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr.toString()}`);
    return ms;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  const rows: Array<{ name: string; bytes: number; load: number; empty: number; ratio: number }> = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
    const bundle = join(outdir, assetPath, 'index.mjs');
    try {
      statSync(bundle);
    } catch {
      continue; // not one of ours (CDK's own helper functions)
    }
    // The function's deployed environment; references (table name, issuer) become placeholders.
    const variables = Object.fromEntries(
      Object.entries(resource.Properties.Environment?.Variables ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : `bench-${k.toLowerCase()}`]),
    );
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      ...variables,
      JWT_JWKS_URI: 'https://issuer.invalid/.well-known/jwks.json',
      JWT_ISSUER: 'https://issuer.invalid',
    };
    const loads: number[] = [];
    const empties: number[] = [];
    time([loader, pathToFileURL(bundle).href], env); // warm the file cache, as a rerun would be
    for (let i = 0; i < RUNS; i++) {
      // interleaved, so that drift in machine load hits both series alike
      empties.push(time(['-e', '0'], { PATH: process.env.PATH }));
      loads.push(time([loader, pathToFileURL(bundle).href], env));
    }
    const load = median(loads);
    const empty = median(empties);
    rows.push({ name: logicalId.replace(/Function[0-9A-F]{8}$/, ''), bytes: statSync(bundle).size, load, empty, ratio: load / empty });
  }

  console.log(`node ${process.version}, ${RUNS} runs each, medians`);
  console.log('function'.padEnd(18), 'bundle KiB'.padStart(10), 'load ms'.padStart(9), 'node -e 0 ms'.padStart(13), 'ratio'.padStart(7));
  for (const r of rows) {
    console.log(r.name.padEnd(18), (r.bytes / 1024).toFixed(1).padStart(10), r.load.toFixed(1).padStart(9), r.empty.toFixed(1).padStart(13), r.ratio.toFixed(2).padStart(7));
  }
  const goals = [
    { name: `every bundle <= ${MAX_BUNDLE_BYTES / 1024} KiB`, ok: rows.every((r) => r.bytes <= MAX_BUNDLE_BYTES), required: true },
    { name: `load <= ${GOAL_RATIO}x node -e 0 (worst ${Math.max(...rows.map((r) => r.ratio)).toFixed(2)}x)`, ok: rows.every((r) => r.ratio <= GOAL_RATIO), required: true },
    { name: `stretch: load <= ${STRETCH_RATIO}x node -e 0`, ok: rows.every((r) => r.ratio <= STRETCH_RATIO), required: false },
  ];
  if (rows.length === 0) throw new Error('no function bundles found in the synthesized assembly');
  for (const goal of goals) console.log(`${goal.ok ? 'PASS' : goal.required ? 'FAIL' : 'MISS'} ${goal.name}`);
  process.exitCode = goals.some((g) => g.required && !g.ok) ? 1 : 0;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
