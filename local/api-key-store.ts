/**
 * The local runner's partner keys, in the data folder (api-keys.json), as API Gateway keeps them on
 * AWS: each key with its tenant and usage plan, valid until revoked. `npm run -s api-key` writes
 * it; the local gateway reads it on every request (a key issued or revoked while the runner is up
 * counts at once).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newApiKey, type UsagePlanName } from '../shared/auth/api-keys.js';

export interface IssuedApiKey {
  tenantId: string;
  plan: string;
  issuedAt: string;
  revokedAt?: string;
}

interface KeyFile {
  keys: Record<string, IssuedApiKey>;
}

export const apiKeyFileIn = (dataDir: string) => join(dataDir, 'api-keys.json');

export class LocalApiKeyStore {
  constructor(private readonly file: string) {}

  /** The key as issued (revoked ones included), or undefined for a key never issued here. */
  find(key: string): IssuedApiKey | undefined {
    const { keys } = this.read();
    return Object.hasOwn(keys, key) ? keys[key] : undefined;
  }

  issue(tenantId: string, plan: UsagePlanName, now = new Date()): string {
    const file = this.read();
    const key = newApiKey(tenantId);
    file.keys[key] = { tenantId, plan, issuedAt: now.toISOString() };
    this.write(file);
    return key;
  }

  /** Revokes the key; false when it was never issued here. A revoked key stays revoked. */
  revoke(key: string, now = new Date()): boolean {
    const file = this.read();
    const issued = Object.hasOwn(file.keys, key) ? file.keys[key] : undefined;
    if (!issued) return false;
    issued.revokedAt ??= now.toISOString();
    this.write(file);
    return true;
  }

  private read(): KeyFile {
    if (!existsSync(this.file)) return { keys: Object.create(null) as KeyFile['keys'] };
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as KeyFile;
    return { keys: Object.assign(Object.create(null) as KeyFile['keys'], parsed.keys) };
  }

  /** Whole-file replace: a reader never sees half a file. Readable by its owner only (keys are secrets). */
  private write(file: KeyFile): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
