import { describe, expect, it } from 'vitest';
import { UsageMeter } from '../../local/usage-meter.js';

const plan = { rateLimit: 2, burstLimit: 4, dailyQuota: 10 };

describe('the local usage meter (an API Gateway usage plan per key)', () => {
  it('admits a burst, then the rate; refused requests do not count against the quota', () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const meter = new UsageMeter(() => now);
    const burst = Array.from({ length: 6 }, () => meter.admit('k', plan));
    expect(burst).toEqual(['admitted', 'admitted', 'admitted', 'admitted', 'THROTTLED', 'THROTTLED']);
    now += 500; // one token at 2 per second
    expect([meter.admit('k', plan), meter.admit('k', plan)]).toEqual(['admitted', 'THROTTLED']);
    expect(meter.admit('other', plan)).toBe('admitted'); // each key its own bucket
    now += 10_000; // the bucket is full again (4), the quota has 5 left
    const rest = Array.from({ length: 5 }, () => meter.admit('k', plan));
    expect(rest).toEqual(['admitted', 'admitted', 'admitted', 'admitted', 'THROTTLED']);
    now += 1_000;
    expect([meter.admit('k', plan), meter.admit('k', plan)]).toEqual(['admitted', 'QUOTA_EXCEEDED']);
  });

  it('renews the daily quota at 00:00 UTC', () => {
    let now = Date.parse('2026-11-29T23:59:00Z');
    const meter = new UsageMeter(() => now);
    const daily = { rateLimit: 100, burstLimit: 100, dailyQuota: 2 };
    expect([meter.admit('k', daily), meter.admit('k', daily), meter.admit('k', daily)]).toEqual([
      'admitted',
      'admitted',
      'QUOTA_EXCEEDED',
    ]);
    now = Date.parse('2026-11-30T00:00:01Z');
    expect(meter.admit('k', daily)).toBe('admitted');
  });
});
