import { defineConfig } from 'vitest/config';

/**
 * Test tiers as vitest projects (`--project unit`, or a path such as `test/unit`):
 * - unit: no I/O at all; runs without Java or DynamoDB Local.
 * - infra: CDK synth and cdk-nag; no DynamoDB either.
 * - dynamodb-local: integration, api and reliability, on one DynamoDB Local started by the global
 *   setup. One project rather than one per tier: a global setup runs once per project that has it,
 *   so three projects would start three Java processes that overwrite each other's environment.
 * A project's global setup runs only when one of its files is queued, so a unit run starts no Java.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: 'forks',
    // Quiet logs and no metric lines in every tier: the unit and infra tiers have no global setup to set them.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'dynamodb-local',
          include: ['test/integration/**/*.test.ts', 'test/api/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
