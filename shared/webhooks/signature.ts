import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-OviPro-Signature: t=<epoch ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the subscription's secret. */
export function signatureHeader(secret: string, body: string, epochMs: number): string {
  const digest = createHmac('sha256', secret).update(`${epochMs}.${body}`).digest('hex');
  return `t=${epochMs},v1=${digest}`;
}

/**
 * What a receiver does (docs/api-guide.md's snippet does the same): the header's v1 must be the HMAC of
 * "<t>.<body>" and t recent enough (replays of old deliveries refused).
 */
export function verifySignature(secret: string, body: string, header: string, nowMs: number, toleranceMs = 300_000) {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isSafeInteger(t) || Math.abs(nowMs - t) > toleranceMs || !parts.v1) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
