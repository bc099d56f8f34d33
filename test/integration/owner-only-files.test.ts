/**
 * Local files that hold meetings or secrets are their owner's alone (0600, in 0700 folders), also
 * where an earlier run left them readable by others: DynamoDB Local's database, the dev issuer's
 * key, the partner key file. (Dead letters, IAM decision logs and an import's failed lines are
 * checked where they are written: webhooks, iam-enforcement and import-command tests.)
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiKeyFileIn, LocalApiKeyStore } from '../../local/api-key-store.js';
import { devIssuerKeyFile, ensureDevIssuer } from '../../local/dev-issuer.js';
import { ensureTable, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { appendOwnerOnly } from '../../local/owner-only-files.js';

const root = mkdtempSync(join(tmpdir(), 'owner-only-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('local files with meetings or secrets', () => {
  it("DynamoDB Local's folder is 0700 and its database 0600, a wider one from before narrowed", async () => {
    const dbPath = join(root, 'data', 'dynamodb');
    mkdirSync(dbPath, { recursive: true, mode: 0o755 });
    writeFileSync(join(dbPath, 'left-by-an-older-run.db'), '', { mode: 0o644 });
    const db = await startDynamoDbLocal({ dbPath });
    try {
      await ensureTable(db.endpoint, 'owner-only', 'local');
      expect(modeOf(dbPath)).toBe(0o700);
      const files = readdirSync(dbPath);
      expect(files).toContain('shared-local-instance.db');
      for (const file of files) expect(modeOf(join(dbPath, file)), file).toBe(0o600);
    } finally {
      await db.stop();
    }
  });

  it("the dev issuer's folder is 0700 and its files 0600", () => {
    const dataDir = join(root, 'issuer');
    ensureDevIssuer(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'dev-issuer'))).toBe(0o700);
    expect(modeOf(devIssuerKeyFile(dataDir))).toBe(0o600);
    for (const file of readdirSync(join(dataDir, 'dev-issuer')))
      expect(modeOf(join(dataDir, 'dev-issuer', file))).toBe(0o600);
  });

  it('the partner key file is 0600 in a 0700 folder, narrowed where it was wider', () => {
    const dataDir = join(root, 'keys');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const file = apiKeyFileIn(dataDir);
    new LocalApiKeyStore(file).issue('tenant-a', 'standard');
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
  });

  it('an appended file is created 0600, and one left wider is narrowed at the first append', () => {
    const created = join(root, 'created.jsonl');
    appendOwnerOnly(created, '{}\n');
    expect(modeOf(created)).toBe(0o600);
    const older = join(root, 'older.jsonl');
    writeFileSync(older, '{}\n', { mode: 0o644 });
    chmodSync(older, 0o644);
    appendOwnerOnly(older, '{}\n');
    expect(modeOf(older)).toBe(0o600);
  });
});
