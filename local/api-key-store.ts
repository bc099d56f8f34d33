/**
 * The local runner's partner keys, in the data folder (api-keys.json), as API Gateway keeps them on
 * AWS: each key with its tenant and usage plan, valid until revoked. `npm run -s api-key` writes
 * it; the local gateway reads it on every request (a key issued or revoked while the runner is up
 * counts at once).
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newApiKey, type UsagePlanName } from '../shared/auth/api-keys.js';
import { OWNER_ONLY_FILE_MODE, ownerOnlyDirectory } from './owner-only-files.js';

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

/** How long a command waits for another's lock before taking it over (a change takes milliseconds). */
const LOCK_WAIT_MS = 2000;

export class LocalApiKeyStore {
  constructor(private readonly file: string) {}

  /** The key as issued (revoked ones included), or undefined for a key never issued here. */
  find(key: string): IssuedApiKey | undefined {
    const { keys } = this.read();
    return Object.hasOwn(keys, key) ? keys[key] : undefined;
  }

  issue(tenantId: string, plan: UsagePlanName, now = new Date()): string {
    return this.change((file) => {
      const key = newApiKey(tenantId);
      file.keys[key] = { tenantId, plan, issuedAt: now.toISOString() };
      return key;
    });
  }

  /** Revokes the key; false when it was never issued here. A revoked key stays revoked. */
  revoke(key: string, now = new Date()): boolean {
    return this.change((file) => {
      const issued = Object.hasOwn(file.keys, key) ? file.keys[key] : undefined;
      if (issued) issued.revokedAt ??= now.toISOString();
      return issued !== undefined;
    });
  }

  /**
   * Read, change, write under a lock file: two commands at once must not lose a change (an issue
   * undoing a revocation). A lock held past LOCK_WAIT_MS was left by a killed command: taken over.
   */
  private change<T>(apply: (file: KeyFile) => T): T {
    ownerOnlyDirectory(dirname(this.file));
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx'));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (Date.now() > deadline) rmSync(lock, { force: true });
        else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
    try {
      const file = this.read();
      const result = apply(file);
      this.write(file);
      return result;
    } finally {
      rmSync(lock, { force: true });
    }
  }

  private read(): KeyFile {
    if (!existsSync(this.file)) return { keys: Object.create(null) as KeyFile['keys'] };
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as KeyFile;
    return { keys: Object.assign(Object.create(null) as KeyFile['keys'], parsed.keys) };
  }

  /** Whole-file replace: a reader never sees half a file. Readable by its owner only (keys are secrets). */
  private write(file: KeyFile): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: OWNER_ONLY_FILE_MODE });
    renameSync(temporary, this.file);
  }
}
