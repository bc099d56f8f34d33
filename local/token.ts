/**
 * npm run -s token -- [--tenant ID] [--subject ID] [--client-id ID] [--read-only] [--privacy] [--expires-in SECONDS]:
 * prints one bearer JWT of the dev issuer.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TENANT_ID_PATTERN } from '../shared/auth/token-verifier.js';
import { dataDirectory } from './data-dir.js';
import { devIssuerKeyFile, ensureDevIssuer, signDevToken } from './dev-issuer.js';

try {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', default: 'demo' },
      subject: { type: 'string' },
      'client-id': { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      privacy: { type: 'boolean', default: false },
      'expires-in': { type: 'string', default: '3600' },
    },
    strict: true,
  });
  const expiresIn = values['expires-in'];
  if (!/^\d+$/.test(expiresIn) || Number(expiresIn) < 1)
    throw new Error(`--expires-in must be a whole number of seconds (1 or more), got "${expiresIn}"`);
  if (!TENANT_ID_PATTERN.test(values.tenant))
    throw new Error(`--tenant may hold letters, digits and . _ : @ - (1..128), got "${values.tenant}"`);
  for (const [flag, value] of [
    ['--subject', values.subject],
    ['--client-id', values['client-id']],
  ] as const)
    if (value !== undefined && !/^[\x21-\x7e]{1,256}$/.test(value))
      throw new Error(`${flag} must be 1..256 printable ASCII characters without spaces, got "${value}"`);
  const dataDir = dataDirectory();
  const isNew = !existsSync(devIssuerKeyFile(dataDir));
  const issuer = ensureDevIssuer(dataDir);
  // A token of a new issuer is refused by an npm start that runs with another data folder.
  if (isNew)
    process.stderr.write(
      `token: made a new dev issuer in ${dataDir}; only an npm start with this DATA_DIR accepts its tokens\n`,
    );
  process.stdout.write(
    `${signDevToken(issuer, {
      tenant: values.tenant,
      ...(values.subject !== undefined ? { subject: values.subject } : {}),
      ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
      readOnly: values['read-only'],
      privacy: values.privacy,
      expiresInSeconds: Number(expiresIn),
    })}\n`,
  );
} catch (error) {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exit(2);
}
