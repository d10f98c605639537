/**
 * CPU-seconds of processes, read from /proc (utime + stime of a process and all its threads),
 * for the benches that split a whistle's cost by part.
 */
import fs from 'node:fs';

const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch { return undefined; }
}

/** CPU-seconds a process has used so far (0 once it is gone). */
export function cpuOfPid(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICK : 0; // utime, stime
}

/**
 * CPU-seconds of the PostgreSQL server: the postmaster's own, what its ended backends used
 * (cutime + cstime, which the postmaster collects when it reaps them) and its live children's.
 */
export function cpuOfPostgres(): number {
  const postgres: Array<{ pid: number; ppid: number }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const f = statFields(Number(entry));
      if (f) postgres.push({ pid: Number(entry), ppid: Number(f[1]) });
    } catch { /* gone */ }
  }
  const pids = new Set(postgres.map((p) => p.pid));
  let sum = 0;
  for (const p of postgres) {
    const f = statFields(p.pid);
    if (!f) continue;
    sum += (Number(f[11]) + Number(f[12])) / TICK;
    if (!pids.has(p.ppid)) sum += (Number(f[13]) + Number(f[14])) / TICK; // the postmaster: its reaped children
  }
  return sum;
}

/** This process's own CPU-seconds (every thread). */
export function cpuOfSelf(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU-milliseconds per item by part, to 0.1 ms, between two readings of CPU-seconds by part. */
export function cpuMsPer<T extends Record<string, number>>(from: T, to: T, items: number): T {
  return Object.fromEntries(Object.keys(from).map((part) =>
    [part, Math.round(((to[part] - from[part]) * 1000 / Math.max(1, items)) * 10) / 10])) as T;
}
