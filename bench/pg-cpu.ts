/**
 * CPU-seconds of one database's PostgreSQL backends over a while (the machine's PostgreSQL is
 * shared: other databases' work is left out). Sampled every half second from pg_stat_activity and
 * /proc: a backend that ends between two samples loses at most its last half second.
 */
import { Client } from 'pg';
import { cpuOfPid } from './cpu';
import { PG_BASE } from './stack';

export function databaseCpu(database: string) {
  const admin = new Client({ connectionString: PG_BASE });
  /** CPU-seconds per backend: when first seen, and when last seen. */
  const seen = new Map<number, { first: number; last: number }>();
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  const sample = async () => {
    const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    for (const { pid } of rows) {
      const cpu = cpuOfPid(pid);
      const known = seen.get(pid);
      if (known) known.last = cpu; else seen.set(pid, { first: started ? 0 : cpu, last: cpu });
    }
  };
  return {
    async start() {
      await admin.connect();
      await sample();
      started = true;
      timer = setInterval(() => void sample().catch(() => undefined), 500);
    },
    /** The CPU-seconds used since `start` (new backends from 0). */
    async stop(): Promise<number> {
      clearInterval(timer);
      await sample();
      await admin.end();
      let sum = 0;
      for (const [, s] of seen) sum += s.last - s.first;
      return sum;
    },
  };
}
