/**
 * `npx tsx bench/credentials.ts`: what the credential cache buys and how fast a change reaches
 * every API process — the figures behind api/services/credential-cache.ts (a few seconds' cache
 * plus LISTEN/NOTIFY, rather than either alone).
 *
 * On a throwaway database (migrated, seeded): the time of one key lookup uncached (an indexed
 * query) and cached, and the delay from the commit of `UPDATE accounts` (a disable) to the
 * notification on another connection (what makes the other API processes forget). Also the
 * time of one scrypt password check (lib/passwords.ts), the price of each sign-in.
 * Prints one JSON line; removes its database.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { CredentialCache } from '../api/services/credential-cache';
import { Directory } from '../api/services/directory';
import { createPool, migrate } from '../lib/db';
import { hashPassword, verifyPassword } from '../lib/passwords';
import { seedIfEmpty } from '../lib/seed';

const PEPPER = 'bench-pepper';
const N = Number(process.env.BENCH_N ?? 2000);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const round = (x: number) => Math.round(x * 1000) / 1000;

async function timeLookups(directory: Directory, key: string): Promise<{ p50Ms: number; p99Ms: number; perSecond: number }> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    if (!(await directory.authenticate(key))) throw new Error('the dev key did not authenticate');
    times.push(performance.now() - t);
  }
  return { p50Ms: round(quantile(times, 0.5)), p99Ms: round(quantile(times, 0.99)), perSecond: Math.round(N / ((performance.now() - start) / 1000)) };
}

async function main() {
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const url = new URL(base.toString());
  url.pathname = `/whistle_bench_credentials_${process.pid}`;
  await migrate(url.toString());
  const pool = createPool(url.toString(), 4);
  const listener = new Client({ connectionString: url.toString() });
  try {
    await seedIfEmpty(pool, PEPPER);
    const uncached = await timeLookups(new Directory(pool, PEPPER, false, new CredentialCache(0)), 'dev-xiguan');
    const cached = await timeLookups(new Directory(pool, PEPPER, false, new CredentialCache(3000)), 'dev-xiguan');

    await listener.connect();
    await listener.query('LISTEN whistle_credentials');
    const delays: number[] = [];
    for (let i = 0; i < 50; i++) {
      const heard = new Promise<number>((resolve) => listener.once('notification', () => resolve(performance.now())));
      await pool.query(`UPDATE accounts SET disabled_at = ${i % 2 ? 'NULL' : 'now()'} WHERE id = 'xiguan-member-1'`);
      const committed = performance.now();
      delays.push(Math.max(0, (await heard) - committed));
    }

    const stored = await hashPassword('a password for the bench');
    const checks: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await verifyPassword('a password for the bench', stored);
      checks.push(performance.now() - t);
    }
    console.log(JSON.stringify({
      keyLookup: { uncached, cached, lookups: N },
      notifyAfterCommitMs: { p50: round(quantile(delays, 0.5)), max: round(Math.max(...delays)) },
      scryptCheckMs: { p50: Math.round(quantile(checks, 0.5)), max: Math.round(Math.max(...checks)) },
    }));
  } finally {
    await listener.end().catch(() => undefined);
    await pool.end();
    const admin = new Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
