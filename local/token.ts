/** npm run -s token -- [--tenant ID] [--read-only] [--expires-in SECONDS]: prints one bearer JWT of the dev issuer. */
import { parseArgs } from 'node:util';
import { TENANT_ID_PATTERN } from '../shared/auth/token-verifier.js';
import { dataDirectory } from './data-dir.js';
import { ensureDevIssuer, signDevToken } from './dev-issuer.js';

try {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', default: 'demo' },
      'read-only': { type: 'boolean', default: false },
      'expires-in': { type: 'string', default: '3600' },
    },
    strict: true,
  });
  const expiresIn = values['expires-in'];
  if (!/^\d+$/.test(expiresIn) || Number(expiresIn) < 1)
    throw new Error(`--expires-in must be a whole number of seconds (1 or more), got "${expiresIn}"`);
  if (!TENANT_ID_PATTERN.test(values.tenant))
    throw new Error(`--tenant may hold letters, digits and . _ : @ - (1..128), got "${values.tenant}"`);
  const issuer = ensureDevIssuer(dataDirectory());
  process.stdout.write(
    `${signDevToken(issuer, { tenant: values.tenant, readOnly: values['read-only'], expiresInSeconds: Number(expiresIn) })}\n`,
  );
} catch (error) {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exit(2);
}
