import { ipKeyGenerator } from 'express-rate-limit';

/**
 * How many service_request_ids one address may look up per minute, counted per id (a batch of 20 costs 20), so
 * batches cannot multiply the rate at which tracking codes are tried. Kept in memory: a second instance doubles
 * the budget at most, and the codes' own randomness is the real defence; this keeps probing slow and visible.
 */
export class IdLookupBudget {
  private readonly spent = new Map<string, { count: number; resetAt: number }>();

  constructor(readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Spends `cost` lookups for this address; the seconds to wait when the budget is gone, else 0. */
  take(ip: string, cost: number): number {
    const key = ipKeyGenerator(ip);
    const t = this.now();
    if (this.spent.size > 10_000) for (const [k, v] of this.spent) if (v.resetAt <= t) this.spent.delete(k);
    let entry = this.spent.get(key);
    if (!entry || entry.resetAt <= t) { entry = { count: 0, resetAt: t + 60_000 }; this.spent.set(key, entry); }
    if (entry.count + cost > this.perMinute) return Math.max(1, Math.ceil((entry.resetAt - t) / 1000));
    entry.count += cost;
    return 0;
  }
}
