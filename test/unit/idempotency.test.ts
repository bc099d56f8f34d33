import { describe, expect, it } from 'vitest';
import { idempotentMeetingId, requestHash } from '../../shared/domain/idempotency.js';
import { isUuid } from '../../shared/domain/identifiers.js';

describe('idempotency keys', () => {
  it('derive one lowercase uuid per tenant and key', () => {
    const id = idempotentMeetingId('tenant-a', 'order-1');
    expect(isUuid(id) && id === id.toLowerCase()).toBe(true);
    expect(idempotentMeetingId('tenant-a', 'order-1')).toBe(id);
    expect(idempotentMeetingId('tenant-b', 'order-1')).not.toBe(id);
    expect(idempotentMeetingId('tenant-a', 'order-2')).not.toBe(id);
    // The separator keeps (tenant, key) pairs apart: "a\nb" + "c" is not "a" + "b\nc".
    expect(idempotentMeetingId('a', 'b')).not.toBe(idempotentMeetingId('a\nb', ''));
  });

  it('hash bodies equal as parsed JSON alike: key order does not matter, values and array order do', () => {
    const body = { a: 1, b: { c: [1, 2], d: 'x' } };
    expect(requestHash({ b: { d: 'x', c: [1, 2] }, a: 1 })).toBe(requestHash(body));
    expect(requestHash({ a: 1, b: { c: [2, 1], d: 'x' } })).not.toBe(requestHash(body));
    expect(requestHash({ a: '1', b: { c: [1, 2], d: 'x' } })).not.toBe(requestHash(body));
    expect(requestHash({ ...body, e: undefined })).toBe(requestHash(body)); // absent, as JSON has it
  });
});
