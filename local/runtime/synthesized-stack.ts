/**
 * The dev stage as `cdk synth` produces it, for the local runner: the CLI synthesizes the app of
 * cdk.json (bundles included) into a cache folder keyed by every source the synthesis reads, so a
 * restart with nothing changed reads the cached cloud assembly instead of synthesizing again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * What the synthesis reads: the app, its constructs, the functions it bundles with what they
 * import (shared/generated included: `npm run generate` made it before, as it does before every
 * deployment's synthesis) and the dependencies' versions.
 */
const SOURCE_FOLDERS = ['bin', 'lib', 'functions', 'shared'];
const SOURCE_FILES = ['cdk.json', 'package.json', 'package-lock.json', 'tsconfig.json'];
/** Two variants (partner keys off and on) of the last two states of the sources. */
const KEPT_ASSEMBLIES = 4;
const COMPLETE_MARKER = '.complete';
export const STAGE_NAME = 'dev';

export interface SynthesisOptions {
  /** The stack's -c requireApiKey (the partner keys' variant of the template). */
  requireApiKey: boolean;
  /** Where cached assemblies live (default .cache/local-stack in the project). */
  cacheDir?: string;
}

export interface SynthesizedStack {
  stackName: string;
  /** The cloud assembly folder: the template and the functions' bundled assets. */
  assemblyDir: string;
  templateFile: string;
  /** True when this call ran `cdk synth`; false when it found the assembly in the cache. */
  synthesized: boolean;
}

function sourceFiles(): string[] {
  const files: string[] = SOURCE_FILES.map((file) => join(projectRoot, file));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const folder of SOURCE_FOLDERS) walk(join(projectRoot, folder));
  return files.sort();
}

/** A digest of every source the synthesis reads, and of its context. */
export function synthesisKey(context: Record<string, string>): string {
  const hash = createHash('sha256').update(JSON.stringify(context));
  for (const file of sourceFiles()) {
    hash.update(relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 20);
}

/**
 * `cdk synth` of the app itself: cdk.json's app command also regenerates shared/generated, which
 * parallel syntheses (and a running test) would then read half-written; it is current already.
 */
function runCdkSynth(outDir: string, context: Record<string, string>): Promise<void> {
  const app = `${join(projectRoot, 'node_modules', '.bin', 'tsx')} ${join(projectRoot, 'bin', 'app.ts')}`;
  const args = ['synth', '--quiet', '--no-notices', '--app', app, '--output', outDir];
  for (const [name, value] of Object.entries(context)) args.push('--context', `${name}=${value}`);
  return new Promise((resolveRun, reject) => {
    const child = spawn(join(projectRoot, 'node_modules', '.bin', 'cdk'), args, {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`cdk synth failed (exit ${code}):\n${output.trim().slice(-2000)}`)),
    );
  });
}

/**
 * Removes all but the most recently used complete assemblies (use touches their marker); one being
 * synthesized (no marker yet) is left alone.
 */
function pruneCache(cacheDir: string): void {
  const entries = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(cacheDir, entry.name, COMPLETE_MARKER)))
    .map((entry) => ({
      path: join(cacheDir, entry.name),
      time: statSync(join(cacheDir, entry.name, COMPLETE_MARKER)).mtimeMs,
    }))
    .sort((a, b) => b.time - a.time);
  for (const stale of entries.slice(KEPT_ASSEMBLIES)) rmSync(stale.path, { recursive: true, force: true });
}

/** The dev stage's cloud assembly: from the cache when the sources are unchanged, else synthesized now. */
export async function synthesizeDevStage(options: SynthesisOptions): Promise<SynthesizedStack> {
  const cacheDir = resolve(options.cacheDir ?? join(projectRoot, '.cache', 'local-stack'));
  const context = { stage: STAGE_NAME, requireApiKey: String(options.requireApiKey) };
  const key = synthesisKey(context);
  const assemblyDir = join(cacheDir, key);
  const stackName = `MeetingApi-${STAGE_NAME}`;
  const templateFile = join(assemblyDir, `${stackName}.template.json`);
  const done = join(assemblyDir, COMPLETE_MARKER);
  if (existsSync(done)) {
    const now = new Date();
    utimesSync(done, now, now);
    return { stackName, assemblyDir, templateFile, synthesized: false };
  }

  // The bundles are CommonJS `index.js` files, as Lambda loads them from a zip with no package.json;
  // inside this project ("type": "module") Node would read them as ES modules without this marker.
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'package.json'), '{ "type": "commonjs" }\n');

  // Synthesized beside its final place and moved there whole: a run stopped midway leaves no half assembly.
  const partial = `${assemblyDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    await runCdkSynth(partial, context);
    writeFileSync(join(partial, COMPLETE_MARKER), new Date().toISOString());
    try {
      renameSync(partial, assemblyDir);
    } catch (error) {
      // Another runner (a parallel test run) finished the same assembly first: keep theirs.
      if (!existsSync(done)) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  pruneCache(cacheDir);
  return { stackName, assemblyDir, templateFile, synthesized: true };
}
