/**
 * What an API Gateway usage plan does to each partner key, for the local gateway: a token bucket
 * (rate per second, burst) and a daily quota that renews at 00:00 UTC. A refused request is not
 * counted against the quota. In memory: a restart of the runner starts every key afresh.
 */
import type { UsagePlan } from '../shared/auth/api-keys.js';

export type MeterVerdict = 'admitted' | 'THROTTLED' | 'QUOTA_EXCEEDED';

interface KeyUsage {
  tokens: number;
  refilledAt: number;
  day: string;
  used: number;
}

export class UsageMeter {
  private readonly usage = new Map<string, KeyUsage>();

  constructor(private readonly now: () => number = Date.now) {}

  admit(key: string, plan: UsagePlan): MeterVerdict {
    const now = this.now();
    const day = new Date(now).toISOString().slice(0, 10);
    let usage = this.usage.get(key);
    if (!usage) {
      usage = { tokens: plan.burstLimit, refilledAt: now, day, used: 0 };
      this.usage.set(key, usage);
    }
    if (usage.day !== day) Object.assign(usage, { day, used: 0 });
    if (usage.used >= plan.dailyQuota) return 'QUOTA_EXCEEDED';
    usage.tokens = Math.min(plan.burstLimit, usage.tokens + ((now - usage.refilledAt) / 1000) * plan.rateLimit);
    usage.refilledAt = now;
    if (usage.tokens < 1) return 'THROTTLED';
    usage.tokens -= 1;
    usage.used += 1;
    return 'admitted';
  }
}
