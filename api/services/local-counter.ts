/**
 * The per-process counters, markers and sets behind Limits (limits.ts): its fallback while Redis
 * is away, and its only store without REDIS_URL. Fixed windows that start with their first event.
 */

/** One counted event in a fixed window that starts with the first: the count so far and the ms left. */
export interface Hit { current: number; ttlMs: number }

/** Per-process fixed windows (the fallback, and the only counter without REDIS_URL). */
export class LocalCounter {
  private windows = new Map<string, { count: number; resetAt: number }>();

  hit(key: string, windowMs: number): Hit {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 50_000) this.sweep(now);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { current: w.count, ttlMs: w.resetAt - now };
  }

  undo(key: string): void {
    const w = this.windows.get(key);
    if (!w) return;
    if (--w.count <= 0) this.windows.delete(key);
  }

  clear(key: string): void {
    this.windows.delete(key);
    this.sets.delete(key);
  }

  extend(key: string, ttlMs: number): void {
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || w.resetAt < now + ttlMs) this.windows.set(key, { count: 1, resetAt: now + ttlMs });
  }

  remaining(key: string): number {
    const w = this.windows.get(key);
    return w ? Math.max(0, w.resetAt - Date.now()) : 0;
  }

  private sets = new Map<string, { members: Set<string>; resetAt: number }>();

  add(key: string, member: string, windowMs: number): void {
    const now = Date.now();
    let s = this.sets.get(key);
    if (!s || s.resetAt <= now) {
      s = { members: new Set(), resetAt: now + windowMs };
      this.sets.set(key, s);
    }
    s.members.add(member);
    s.resetAt = Math.max(s.resetAt, now + windowMs);
  }

  members(key: string): string[] {
    const s = this.sets.get(key);
    return s && s.resetAt > Date.now() ? [...s.members] : [];
  }

  private sweep(now: number) {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}

