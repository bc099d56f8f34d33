/**
 * The token conventions the service assumes unless configured otherwise: the one place the
 * functions' config, the stack (Cognito and external issuers) and the local dev issuer read them.
 */
export const DEFAULT_TENANT_CLAIM = 'tenant_id';
export const DEFAULT_SCOPES = {
  read: 'meetings/read',
  write: 'meetings/write',
  privacy: 'meetings/privacy',
} as const;
/** The audience of the local dev issuer's tokens (a deployed issuer names its own). */
export const DEFAULT_AUDIENCE = 'meeting-api';
