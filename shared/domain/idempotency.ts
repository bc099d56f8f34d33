import { createHash } from 'node:crypto';

/**
 * Retry-safe creates without a second write: the meeting's id is derived from the tenant and the
 * Idempotency-Key, so the create's own conditional write ("this id is unused") is the key's
 * lookup, and the request's hash stored on the meeting tells a replay from a reuse.
 */

/** A uuid (version 8, RFC 9562's custom layout) from a SHA-256 of the tenant and the key. */
export function idempotentMeetingId(tenantId: string, key: string): string {
  const bytes = createHash('sha256').update(`meeting-api idempotency\n${tenantId}\n${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with object keys sorted at every level: equal for bodies equal as parsed JSON. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined) // as JSON.stringify: an undefined field is absent
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a request body as parsed (key order and whitespace do not matter). */
export const requestHash = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body)).digest('base64url');
