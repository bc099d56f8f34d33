/**
 * Webhook subscriptions of a tenant, and which URLs may receive its meeting events. A webhook URL
 * is a server-side request the tenant chooses: it must never reach the service's own network
 * (private, loopback, link-local, unique-local or metadata addresses, in any spelling), which is
 * checked on the addresses the host resolves to, when subscribing and again at every delivery.
 */
import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';

export const MEETING_EVENT_TYPES = ['meeting.created', 'meeting.updated', 'meeting.deleted'] as const;
export type MeetingEventType = (typeof MEETING_EVENT_TYPES)[number];

export interface Subscription {
  subscriptionId: string;
  url: string;
  eventTypes: MeetingEventType[];
  creationTime: string;
}

/** A subscription as storage keeps it: with the secret its deliveries are signed with. */
export interface StoredSubscription extends Subscription {
  secret: string;
}

/** 256 random bits (the contract asks for at least 128), base64url. */
export const newSigningSecret = (): string => randomBytes(32).toString('base64url');

/** Where webhooks may go. Only the local runner allows loopback hosts (and plain http to them). */
export interface WebhookUrlPolicy {
  allowLoopback: boolean;
}

/** A URL as far as it can be judged without resolving its host: its scheme, host and whether the host is an address. */
export function parseWebhookUrl(
  url: string,
): { ok: true; url: URL; literalAddress?: string } | { ok: false; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'url must be an absolute https URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { ok: false, reason: 'url must be an https URL' };
  if (parsed.username || parsed.password) return { ok: false, reason: 'url must not carry credentials' };
  // The WHATWG parser has already normalized every IPv4 spelling (0x7f.1, 2130706433, 127.1).
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(host) ? { ok: true, url: parsed, literalAddress: host } : { ok: true, url: parsed };
}

const isLoopback = (address: string) => rangeOf(address) === 'loopback';

/**
 * The address's range, IPv4-mapped IPv6 judged as its IPv4; the deprecated IPv4-compatible form
 * (::a.b.c.d, which ipaddr.js calls unicast) is never a place for webhooks.
 */
function rangeOf(address: string): string {
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast' && parsed.kind() === 'ipv6' && parsed.toNormalizedString().startsWith('0:0:0:0:0:0:'))
    return 'ipv4Compatible';
  return range;
}

/** At most this many subscriptions per tenant: each write fans out to every one of them. */
export const MAX_SUBSCRIPTIONS_PER_TENANT = 25;

/**
 * Why these resolved addresses of a URL's host may not receive webhooks, or undefined when they
 * may: every address must be public unicast (IPv4-mapped IPv6 judged as its IPv4), or loopback
 * where the policy allows it; plain http only to loopback, where allowed.
 */
export function addressRefusal(protocol: string, addresses: string[], policy: WebhookUrlPolicy): string | undefined {
  if (addresses.length === 0) return 'the url host does not resolve';
  for (const address of addresses) {
    if (!ipaddr.isValid(address)) return 'the url host does not resolve to an IP address';
    const range = rangeOf(address);
    if (range === 'unicast') continue;
    if (range === 'loopback' && policy.allowLoopback) continue;
    return `the url host is (or resolves to) a ${range} address, which webhooks may not reach`;
  }
  if (protocol === 'http:' && !(policy.allowLoopback && addresses.every(isLoopback)))
    return 'url must be https (plain http only to a loopback host of the local runner)';
  return undefined;
}
