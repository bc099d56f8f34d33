/**
 * npm test: every tier through vitest, then the plain closing line CI reads: "N passed, N failed".
 * Arguments are passed to vitest (e.g. `npm test -- --project unit`, or a path: `npm test -- test/unit`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// The typecheck and the lint are checks like any test: their failures show in the closing line too.
const typecheck = spawnSync('tsc', ['-p', '.'], { stdio: 'inherit' });
if (typecheck.status !== 0) console.error('typecheck failed (tsc -p .)');
const lint = spawnSync('npm', ['run', '-s', 'lint'], { stdio: 'inherit' });
if (lint.status !== 0) console.error('lint failed (npm run lint: ESLint and Prettier)');
const checksFailed = (typecheck.status === 0 ? 0 : 1) + (lint.status === 0 ? 0 : 1);

const report = '.test-results/vitest.json';
mkdirSync('.test-results', { recursive: true });
rmSync(report, { force: true });
const run = spawnSync(
  'vitest',
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
let passed = 0;
let failed = run.status === 0 ? 0 : 1;
let skipped = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed = result.numPassedTests;
  // A suite that fails to load has no failed test of its own: still count the run as failed.
  failed = Math.max(result.numFailedTests, run.status === 0 ? 0 : 1);
  skipped = result.numPendingTests + result.numTodoTests;
}
console.log(`\n${passed} passed, ${failed + checksFailed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(checksFailed ? 1 : (run.status ?? 1));
