/**
 * One delivery attempt of one event to one subscription: the URL is checked again on the addresses
 * its host resolves to now, and the connection goes to exactly an address that passed (DNS
 * rebinding cannot swap it between check and connect). POST, CloudEvents structured JSON, signed;
 * a 2xx within 5 s is success.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { MeetingCloudEvent } from '../domain/meeting-events.js';
import type { StoredSubscription } from '../domain/subscriptions.js';
import { checkWebhookUrl, type SubscriptionDeps } from '../use-cases/subscription-use-cases.js';
import { signatureHeader } from './signature.js';

export const DELIVERY_TIMEOUT_MS = 5_000;

export type DeliveryOutcome = { delivered: true; status: number } | { delivered: false; reason: string };

export async function deliverEvent(
  deps: Pick<SubscriptionDeps, 'policy' | 'resolveHost'>,
  subscription: StoredSubscription,
  event: MeetingCloudEvent,
  options: { timeoutMs?: number; now?: () => number } = {},
): Promise<DeliveryOutcome> {
  let target: Awaited<ReturnType<typeof checkWebhookUrl>>;
  try {
    target = await checkWebhookUrl(deps, subscription.url);
  } catch (error) {
    return { delivered: false, reason: `url refused: ${(error as Error).message}` };
  }
  const body = JSON.stringify(event);
  // Every connection of this request goes to an address just checked, whatever DNS says now
  // (all of them offered, so that a dual-stack host can fall back from one family to the other).
  const checked = target.addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all)
      (callback as unknown as (e: null, a: typeof checked) => void)(null, checked);
    else callback(null, checked[0]!.address, checked[0]!.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<DeliveryOutcome>((resolve) => {
    const req = send(
      target.url,
      {
        method: 'POST',
        lookup,
        signal: AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
        headers: {
          'Content-Type': 'application/cloudevents+json',
          'Content-Length': Buffer.byteLength(body),
          'User-Agent': 'meeting-api-webhooks/1',
          'X-OviPro-Signature': signatureHeader(subscription.secret, body, (options.now ?? Date.now)()),
        },
      },
      (response: IncomingMessage) => {
        response.resume(); // the answer's body is not read
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve(
            status >= 200 && status < 300
              ? { delivered: true, status }
              : { delivered: false, reason: `answered ${status}` },
          );
        });
        response.on('error', (error) => resolve({ delivered: false, reason: error.message }));
      },
    );
    req.on('error', (error) =>
      resolve({
        delivered: false,
        reason: error.name === 'AbortError' ? 'no answer within the timeout' : error.message,
      }),
    );
    req.end(body);
  });
}
