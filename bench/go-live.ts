/**
 * `npx tsx bench/go-live.ts [orgs] [accounts] [throttle] [audit]`: the figures of setting up a
 * district and of its security controls (BENCH_SCALE=small for a short run; full by default).
 *
 * - orgs: a Changle-sized tree (34 communities, 153 compounds, 727 grids, 30 departments, under
 *   18 streets) imported with `npm run orgs -- import` (wall time of the command, twice: the
 *   second changes nothing) and with POST /v1/orgs/import on a fresh database;
 * - accounts: 1,000 accounts imported with `npm run accounts -- import` and through the API;
 * - throttle: 20 addresses (127.0.0.2 … .21, TRUST_PROXY off, the client socket bound to each)
 *   flood wrong passwords while a person signs in with the right one from an untouched address:
 *   every one of their sign-ins succeeds; their p50/p99;
 * - audit: the chain of 100,000 entries checked (in Node, and with `npm run audit -- verify`).
 * Each section on a throwaway database, dropped at the end; prints one JSON line per section.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { buildApp } from '../api/app';
import { setPassword } from '../lib/accounts';
import { verifyAudit } from '../lib/audit-chain';
import { readConfig } from '../lib/config';
import { createPool } from '../lib/db';
import { PEPPER, ROOT, benchDir, cleanupAll, createDatabase } from './stack';

const SMALL = process.env.BENCH_SCALE === 'small';
const round = (x: number) => Math.round(x * 10) / 10;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** 18 streets, 34 communities, 153 compounds, 727 grids, 30 departments (and the seeded center). */
export function changleSizedTree(): string {
  const lines = ['id,kind,name,parentId'];
  for (let s = 0; s < 18; s++) lines.push(`b-street-${s},street,镇街${s},center`);
  for (let c = 0; c < 34; c++) lines.push(`b-comm-${c},community,社区${c},b-street-${c % 18}`);
  for (let x = 0; x < 153; x++) lines.push(`b-comp-${x},compound,小区${x},b-comm-${x % 34}`);
  for (let g = 0; g < 727; g++) lines.push(`b-grid-${g},grid,网格${g},b-comm-${g % 34}`);
  for (let d = 0; d < 30; d++) lines.push(`b-dept-${d},department,部门${d},center`);
  return `${lines.join('\n')}\n`;
}

function accountsFile(n: number): string {
  const lines = ['id,role,orgId,name'];
  for (let i = 0; i < n; i++) lines.push(i < 727 ? `b-acct-${i},community,b-grid-${i},网格员${i}` : `b-acct-${i},member,b-comm-${i % 34},党员${i}`);
  return `${lines.join('\n')}\n`;
}

function timedCommand(script: string, args: string[], databaseUrl: string): { ms: number; out: string } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, API_KEY_PEPPER: PEPPER }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms: round(performance.now() - started), out: r.stdout };
}

/** The app on a real port, without Temporal (set-up calls need none). */
async function api(databaseUrl: string) {
  const config = readConfig({ DATABASE_URL: databaseUrl, API_KEY_PEPPER: PEPPER, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' });
  const pool = createPool(databaseUrl, 10);
  const connection = Connection.lazy({ address: config.temporalAddress });
  const app = await buildApp({ config, pool, temporal: new Client({ connection }), logger: pino({ level: 'silent' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { port, pool, close: async () => { await app.close(); await pool.end(); await connection.close().catch(() => undefined); } };
}

function request(port: number, method: string, url: string, body: string | undefined, headers: Record<string, string>, localAddress?: string): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, localAddress, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function orgs(dir: string) {
  const file = path.join(dir, 'changle.csv');
  fs.writeFileSync(file, changleSizedTree());
  const db = await createDatabase('golive_orgs_cli');
  const first = timedCommand('orgs', ['import', file], db.url);
  const second = timedCommand('orgs', ['import', file], db.url);
  const fresh = await createDatabase('golive_orgs_api');
  const a = await api(fresh.url);
  try {
    const res = await request(a.port, 'POST', '/v1/orgs/import', fs.readFileSync(file, 'utf8'), { authorization: 'Bearer dev-admin', 'content-type': 'text/csv' });
    const again = await request(a.port, 'POST', '/v1/orgs/import', fs.readFileSync(file, 'utf8'), { authorization: 'Bearer dev-admin', 'content-type': 'text/csv' });
    if (res.status !== 200) throw new Error(`API import: ${res.status} ${res.text}`);
    return { units: 962, commandMs: first.ms, commandUnchangedMs: second.ms, said: first.out.split('\n')[0], apiMs: round(res.ms), apiUnchangedMs: round(again.ms) };
  } finally {
    await a.close();
  }
}

async function accounts(dir: string) {
  const n = SMALL ? 200 : 1000;
  const tree = path.join(dir, 'changle.csv');
  fs.writeFileSync(tree, changleSizedTree());
  const file = path.join(dir, 'accounts.csv');
  fs.writeFileSync(file, accountsFile(n));
  const db = await createDatabase('golive_accounts_cli');
  timedCommand('orgs', ['import', tree], db.url);
  const cli = timedCommand('accounts', ['import', file], db.url);
  const fresh = await createDatabase('golive_accounts_api');
  timedCommand('orgs', ['import', tree], fresh.url);
  const a = await api(fresh.url);
  try {
    const res = await request(a.port, 'POST', '/v1/accounts/import', fs.readFileSync(file, 'utf8'), { authorization: 'Bearer dev-admin', 'content-type': 'text/csv' });
    if (res.status !== 201) throw new Error(`API import: ${res.status} ${res.text.slice(0, 500)}`);
    return { accounts: n, commandMs: cli.ms, apiMs: round(res.ms), created: JSON.parse(res.text).created.length };
  } finally {
    await a.close();
  }
}

async function throttle() {
  const db = await createDatabase('golive_throttle');
  const a = await api(db.url);
  const seconds = SMALL ? 20 : 60;
  try {
    await setPassword(a.pool, 'cli:bench', 'wuhang', 'Wuhang#Bench2026');
    const json = { 'content-type': 'application/json' };
    const flood = { sent: 0, byStatus: {} as Record<number, number> };
    const until = Date.now() + seconds * 1000;
    const attackers = Array.from({ length: 20 }, async (_, i) => {
      for (let k = 0; Date.now() < until && k < 100_000; k++) {
        const body = JSON.stringify({ accountId: ['xiguan', 'dongguan', 'center', `ghost-${k % 50}`][k % 4], password: `guess-${k}` });
        const r = await request(a.port, 'POST', '/v1/sessions', body, json, `127.0.0.${2 + i}`);
        flood.sent++;
        flood.byStatus[r.status] = (flood.byStatus[r.status] ?? 0) + 1;
      }
    });
    const person = (async () => {
      const times: number[] = [];
      const statuses: Record<number, number> = {};
      while (Date.now() < until) {
        const r = await request(a.port, 'POST', '/v1/sessions', JSON.stringify({ accountId: 'wuhang', password: 'Wuhang#Bench2026' }), json, '127.0.0.100');
        times.push(r.ms);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        await new Promise((res) => setTimeout(res, 250));
      }
      return { signIns: times.length, statuses, p50Ms: round(quantile(times, 0.5)), p99Ms: round(quantile(times, 0.99)), maxMs: round(Math.max(...times)) };
    })();
    const [, rightPassword] = await Promise.all([Promise.all(attackers), person]);
    return { seconds, addresses: 20, flood, rightPasswordFromUntouchedAddress: rightPassword };
  } finally {
    await a.close();
  }
}

async function audit() {
  const n = SMALL ? 10_000 : 100_000;
  const db = await createDatabase('golive_audit');
  const pool = createPool(db.url, 2);
  try {
    const t0 = performance.now();
    for (let done = 0; done < n; done += 10_000) {
      await pool.query(`INSERT INTO audit_log (type, actor, subject, note, address)
        SELECT 'signed_in', 'acct-' || i, 'acct-' || i, 'signed in', '10.0.' || (i % 250) || '.1' FROM generate_series(1, $1) AS i`, [Math.min(10_000, n - done)]);
    }
    const writeMs = performance.now() - t0;
    const t1 = performance.now();
    const check = await verifyAudit(pool);
    const verifyMs = performance.now() - t1;
    const cli = timedCommand('audit', ['verify'], db.url);
    return { entries: check.entries, ok: check.ok, appendMs: round(writeMs), appendPerEntryMs: round((writeMs / n) * 1000) / 1000, verifyMs: round(verifyMs), commandMs: cli.ms };
  } finally {
    await pool.end();
  }
}

const SECTIONS: Record<string, (dir: string) => Promise<unknown>> = { orgs, accounts, throttle, audit };

async function main() {
  const chosen = process.argv.slice(2).filter((a) => a in SECTIONS);
  const dir = benchDir();
  const results: Record<string, unknown> = { scale: SMALL ? 'small' : 'full', at: new Date().toISOString() };
  try {
    for (const name of chosen.length ? chosen : Object.keys(SECTIONS)) {
      results[name] = await SECTIONS[name](dir);
      console.log(JSON.stringify({ [name]: results[name] }));
    }
  } finally {
    await cleanupAll();
  }
  const out = path.join(ROOT, 'bench', 'results', `go-live-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${path.relative(ROOT, out)}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
