import { resolve } from 'node:path';

/** The local data folder (DATA_DIR, default ./.data): DynamoDB Local's files, the dev issuer, partner keys, dead letters. */
export const dataDirectory = (env: Record<string, string | undefined> = process.env): string =>
  resolve(env.DATA_DIR?.trim() || '.data');
