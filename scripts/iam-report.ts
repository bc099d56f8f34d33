/**
 * npm run iam:report: runs the API tests with the local IAM enforcement point recording every
 * decision, then prints per function (and pipe role) what its role grants, what it used, what was
 * denied, and what it was granted but never used. Exits non-zero on a denial, or on an unused
 * grant that scripts/iam-allow-list.ts does not explain.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecisionLogLine, Principal } from '../local/runtime/iam-enforcement.js';
import { ALLOWED_UNUSED_GRANTS } from './iam-allow-list.js';

/** IAM's wildcards: * any run of characters, ? one. */
const globMatches = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  ).test(value);

interface Grant {
  action: string;
  resource: string;
  conditional: boolean;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);

function grantsOf(principal: Principal): Grant[] {
  return principal.policies.flatMap(({ policy }) =>
    policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) =>
      asList(statement.Action).flatMap((action) =>
        asList(statement.Resource).map((resource) => ({ action, resource, conditional: !!statement.Condition })),
      ),
    ),
  );
}

function runApiTests(decisionLog: string): number {
  const run = spawnSync(join('node_modules', '.bin', 'vitest'), ['run', 'test/api', ...process.argv.slice(2)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, IAM_DECISION_LOG: decisionLog },
  });
  return run.status ?? 1;
}

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'iam-report-'));
  const decisionLog = join(dir, 'decisions.jsonl');
  console.log('Running the API tests with every IAM decision recorded...');
  const testStatus = runApiTests(decisionLog);
  if (!existsSync(decisionLog)) {
    console.log(`The API tests ${testStatus === 0 ? 'ran' : 'failed'} without a single IAM decision recorded.`);
    process.exit(1);
  }
  const lines = readFileSync(decisionLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DecisionLogLine);
  rmSync(dir, { recursive: true, force: true });

  const principals = new Map<string, Principal>();
  for (const line of lines) if (line.kind === 'principal') principals.set(line.sessionName, line);
  const decisions = lines.filter((line) => line.kind === 'decision');

  let denied = 0;
  let unexplained = 0;
  for (const [name, principal] of [...principals].sort(([a], [b]) => a.localeCompare(b))) {
    const own = decisions.filter((decision) => decision.roleArn === principal.roleArn);
    const used = [...new Set(own.filter((d) => d.allowed).map((d) => `${d.action} ${d.resource}`))].sort();
    const refused = [...new Set(own.filter((d) => !d.allowed).map((d) => `${d.action} ${d.resource}`))].sort();
    const grants = grantsOf(principal);
    const unused = grants.filter(
      (grant) =>
        !own.some((d) => d.allowed && globMatches(grant.action, d.action) && globMatches(grant.resource, d.resource)),
    );
    console.log(`\n${name} (${principal.roleArn.split('/').pop()})`);
    console.log(
      `  granted: ${grants.map((g) => `${g.action} ${g.resource}${g.conditional ? ' (conditional)' : ''}`).join('\n           ') || '-'}`,
    );
    console.log(`  used:    ${used.join('\n           ') || '-'}`);
    console.log(`  denied:  ${refused.join('\n           ') || '-'}`);
    denied += refused.length;
    for (const grant of unused) {
      const allowed = ALLOWED_UNUSED_GRANTS.find(
        (entry) =>
          globMatches(entry.principal, name) &&
          globMatches(entry.action, grant.action) &&
          globMatches(entry.resource, grant.resource),
      );
      if (!allowed) unexplained++;
      console.log(
        `  unused:  ${grant.action} ${grant.resource} -- ${allowed ? allowed.reason : 'NO REASON IN scripts/iam-allow-list.ts'}`,
      );
    }
  }
  console.log(`\n${principals.size} roles; ${denied} denied, ${unexplained} unused grants without a reason`);
  if (testStatus !== 0) console.log('(the API tests failed: the figures cover what ran)');
  process.exit(denied || unexplained || testStatus ? 1 : 0);
}

main();
