/**
 * Password checks (scrypt, 32 MiB and a few hundred milliseconds of a CPU each) take turns here:
 * at most one per CPU at once (more would only share the CPUs and make each check, the person's
 * too, last longer), and an attempt from an address with no failure in the window goes before
 * the others.
 *
 * Why: the throttle stops a flood only after 20 failures per address, so 20 addresses still buy
 * 400 checks in 15 minutes; without an order a person signing in from their own office waits
 * behind all of them (measured: bench/go-live.ts, "throttle"). With it they wait for at most one
 * check to finish.
 */
import os from 'node:os';

export class CheckQueue {
  private running = 0;
  private readonly first: Array<() => void> = [];
  private readonly rest: Array<() => void> = [];

  constructor(private readonly slots = Math.max(1, os.availableParallelism())) {}

  /** Runs `check` when a slot is free; `clean` attempts (an address without failures) are served first. */
  async run<T>(clean: boolean, check: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => (clean ? this.first : this.rest).push(resolve));
    else this.running++;
    try {
      return await check();
    } finally {
      const next = this.first.shift() ?? this.rest.shift();
      if (next) next();
      else this.running--;
    }
  }
}
