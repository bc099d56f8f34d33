/**
 * Lints openapi/meeting-api.yaml with Redocly's engine (@redocly/openapi-core, the engine of
 * `redocly lint`) and its recommended ruleset. Prints each problem; exit 1 on any error or warning.
 * (@redocly/cli itself cannot be installed from this registry: a dependency of it is missing.)
 */
import { createConfig, lint } from '@redocly/openapi-core';

const config = await createConfig({ extends: ['recommended'] });
const problems = await lint({ ref: 'openapi/meeting-api.yaml', config });
for (const p of problems) {
  const where = p.location[0]?.pointer ?? '';
  console.log(`${p.severity.toUpperCase()} ${p.ruleId}: ${p.message} ${where}`);
}
const counted = problems.filter((p) => p.severity === 'error' || p.severity === 'warn');
console.log(
  `${counted.length ? 'FAIL' : 'PASS'} openapi lint (recommended): ${problems.filter((p) => p.severity === 'error').length} errors, ${problems.filter((p) => p.severity === 'warn').length} warnings`,
);
process.exitCode = counted.length ? 1 : 0;
