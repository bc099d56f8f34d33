/**
 * Local files that hold meetings, personal data or secrets (DynamoDB Local's database, the dev
 * issuer's key, partner keys, webhook dead letters, IAM decision logs, an import's failed lines)
 * are their owner's alone: folders 0700, files 0600. Each is created so, and one an earlier run
 * left wider is narrowed when it is next opened.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OWNER_ONLY_FILE_MODE = 0o600;
const OWNER_ONLY_DIRECTORY_MODE = 0o700;

/** Takes every permission of group and others from the path (a mode can only narrow). */
function narrow(path: string, mode: number): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) !== 0) chmodSync(path, current & mode);
}

/** The folder (and any missing parent) created 0700, or narrowed to it. */
export function ownerOnlyDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: OWNER_ONLY_DIRECTORY_MODE });
  narrow(path, OWNER_ONLY_DIRECTORY_MODE);
}

/** Every file directly in the folder narrowed to 0600: files another program created there. */
export function ownerOnlyFilesIn(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true }))
    if (entry.isFile()) narrow(join(directory, entry.name), OWNER_ONLY_FILE_MODE);
}

/** An existing file narrowed before anything new is written to it. */
function narrowIfPresent(file: string): void {
  if (existsSync(file)) narrow(file, OWNER_ONLY_FILE_MODE);
}

/** Writes (replaces) the file, 0600. */
export function writeOwnerOnly(file: string, text: string): void {
  narrowIfPresent(file);
  writeFileSync(file, text, { mode: OWNER_ONLY_FILE_MODE });
}

const narrowedForAppend = new Set<string>();

/** Appends to the file, created 0600 (an older one narrowed before the first append by this process). */
export function appendOwnerOnly(file: string, text: string): void {
  if (!narrowedForAppend.has(file)) {
    narrowIfPresent(file);
    narrowedForAppend.add(file);
  }
  appendFileSync(file, text, { mode: OWNER_ONLY_FILE_MODE });
}
