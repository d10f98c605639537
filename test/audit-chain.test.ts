/**
 * The audit log, tamper-evident: each entry's hash chains to the one before (checked again in
 * Node), the database refuses to change or remove entries, concurrent writers never fork the
 * chain, a change made behind the triggers' back is found (API and `npm run audit -- verify`,
 * exit 1), the retention purge keeps the chain verifiable, and the migration chains the entries
 * already on record. A database of its own: these tests break its chain on purpose.
 */
import { Client } from 'pg';
import { recordAudit } from '../lib/audit';
import { entryHash, purgeAudit, verifyAudit } from '../lib/audit-chain';
import { createPool, migrate } from '../lib/db';
import { createDatabase, type ThrowawayDatabase } from './support/processes';
import { TEST_PEPPER } from './support/constants';
import { startStack, type Stack } from './support/stack';
import { command, withBearer } from './support/setup-helpers';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../lib/db';

let db: ThrowawayDatabase;
let stack: Stack;
beforeAll(async () => {
  db = await createDatabase('audit_chain', TEST_PEPPER);
  stack = await startStack({ noWorker: true, env: { DATABASE_URL: db.url } });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

/** Runs SQL behind the triggers' back (a superuser's replica mode), as someone tampering would. */
async function behindTheTriggers(sql: string, params: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query("SET session_replication_role = 'replica'");
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

const verifyCli = () => command('audit', ['verify'], { env: { DATABASE_URL: db.url } });

test('every entry\'s hash is SHA-256 over the previous hash and its canonical JSON, as Node computes it, whatever its text', async () => {
  const notes = ['plain', 'quote " and backslash \\', 'line\nbreak\ttab', 'control \u0001\u001f', '中文 “引号” 😀', 'slash / and <tag>'];
  for (const note of notes) await recordAudit(stack.pool, { type: 'catalogue_changed', actor: 'center', subject: 'utilities', note, address: '10.1.2.3' });
  await recordAudit(stack.pool, { type: 'key_rotated', actor: 'cli:ops', subject: null, note: null });
  const { rows } = await stack.pool.query('SELECT seq::int AS seq, at, type, actor, subject, note, address, hash FROM audit_log ORDER BY seq');
  let previous = '0'.repeat(64);
  rows.forEach((r, i) => {
    expect(r.seq).toBe(i + 1);
    expect(r.hash).toBe(entryHash(previous, r));
    previous = r.hash;
  });
  expect(await verifyAudit(stack.pool)).toEqual({ ok: true, entries: rows.length, firstBadSeq: null });
});

test('the database refuses UPDATE, DELETE and TRUNCATE of audit entries', async () => {
  for (const sql of ["UPDATE audit_log SET note = 'changed'", 'DELETE FROM audit_log WHERE seq = 1', 'TRUNCATE audit_log',
    "UPDATE audit_anchor SET seq = 5", 'DELETE FROM audit_anchor']) {
    await expect(stack.pool.query(sql)).rejects.toThrow(/append-only|moves only with the retention purge/);
  }
  // Not even with the purge's setting for an entry younger than its cutoff.
  const client = await stack.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('whistle.audit_purge_before', '2000-01-01T00:00:00Z', true)");
    await expect(client.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});

test('writers at once never fork the chain: numbers follow each other and every hash holds', async () => {
  const before = (await verifyAudit(stack.pool)).entries;
  await Promise.all(Array.from({ length: 60 }, (_, i) =>
    recordAudit(stack.pool, { type: 'account_enabled', actor: `cli:writer-${i % 7}`, subject: `concurrent-${i}`, note: 'at once' })));
  const check = await verifyAudit(stack.pool);
  expect(check).toEqual({ ok: true, entries: before + 60, firstBadSeq: null });
  const { rows } = await stack.pool.query('SELECT count(DISTINCT seq)::int AS seqs, max(seq)::int AS top FROM audit_log');
  expect(rows[0]).toEqual({ seqs: before + 60, top: before + 60 });
});

test('an entry changed behind the triggers\' back breaks the chain at that entry: the auditor\'s check and the command (exit 1) say so', async () => {
  const auditor = () => withBearer(stack, 'dev-auditor', 'GET', '/v1/audit/verify');
  expect((await auditor()).body).toMatchObject({ ok: true, firstBadSeq: null });
  expect((await verifyCli()).code).toBe(0);
  const { rows: [target] } = await stack.pool.query('SELECT seq::int AS seq, note FROM audit_log ORDER BY seq LIMIT 1 OFFSET 3');
  await behindTheTriggers('UPDATE audit_log SET note = $2 WHERE seq = $1', [target.seq, 'rewritten']);
  const broken = await auditor();
  expect(broken.body).toEqual({ ok: false, entries: expect.any(Number), firstBadSeq: target.seq });
  const cli = await verifyCli();
  expect(cli.code).toBe(1);
  expect(cli.stderr).toContain(`BROKEN at seq ${target.seq}`);
  for (const as of ['admin', 'security', 'center']) expect((await withBearer(stack, `dev-${as}`, 'GET', '/v1/audit/verify')).status).toBe(403);
  await behindTheTriggers('UPDATE audit_log SET note = $2 WHERE seq = $1', [target.seq, target.note]);
  expect((await auditor()).body.ok).toBe(true);
  // A removed entry is found at its place too.
  await behindTheTriggers('DELETE FROM audit_log WHERE seq = $1', [target.seq + 2]);
  expect(await verifyAudit(stack.pool)).toMatchObject({ ok: false, firstBadSeq: target.seq + 2 });
  const { rows: [gone] } = await stack.pool.query('SELECT count(*)::int AS n FROM audit_log');
  expect(gone.n).toBeGreaterThan(0);
}, 60_000);

test('the retention purge removes only entries older than AUDIT_RETENTION_DAYS, oldest first, and the rest still verifies from its anchor', async () => {
  // A log of its own: the entries before are removed behind the triggers' back, the anchor reset.
  await behindTheTriggers("DELETE FROM audit_log; UPDATE audit_anchor SET seq = 0, hash = repeat('0', 64)");
  for (let i = 0; i < 6; i++) await recordAudit(stack.pool, { type: 'catalogue_changed', actor: 'center', subject: `entry-${i}`, note: null });
  // The first three are back-dated 200 days (and the chain computed again for them, as if written then).
  const { rows } = await stack.pool.query('SELECT seq::int AS seq, at, type, actor, subject, note, address FROM audit_log ORDER BY seq');
  let previous = '0'.repeat(64);
  for (const [i, r] of rows.entries()) {
    const at = i < 3 ? new Date(Date.now() - 200 * 86_400_000 + i * 1000) : r.at;
    previous = entryHash(previous, { ...r, at });
    await behindTheTriggers('UPDATE audit_log SET at = $2, hash = $3 WHERE seq = $1', [r.seq, at, previous]);
  }
  expect(await verifyAudit(stack.pool)).toEqual({ ok: true, entries: 6, firstBadSeq: null });
  expect(await purgeAudit(stack.pool, 365, 'cli:test')).toEqual({ removed: 0, throughSeq: null });
  expect(await purgeAudit(stack.pool, 180, 'cli:test')).toEqual({ removed: 3, throughSeq: 3 });
  const kept = await stack.pool.query('SELECT seq::int AS seq, type FROM audit_log ORDER BY seq');
  expect(kept.rows).toEqual([{ seq: 4, type: 'catalogue_changed' }, { seq: 5, type: 'catalogue_changed' }, { seq: 6, type: 'catalogue_changed' }, { seq: 7, type: 'audit_purged' }]);
  expect(await verifyAudit(stack.pool)).toEqual({ ok: true, entries: 4, firstBadSeq: null });
  expect((await stack.pool.query('SELECT seq::int AS seq FROM audit_anchor')).rows[0].seq).toBe(3);
  expect((await verifyCli()).code).toBe(0);
}, 60_000);

test('the migration chains the entries already on record', async () => {
  const base = new URL(db.url);
  base.pathname = `/audit_upgrade_${process.pid}_${Date.now().toString(36)}`;
  const url = base.toString();
  const before = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().findIndex((f) => f.startsWith('021_'));
  await migrate(url, undefined, { count: before });
  const pool = createPool(url, 2);
  try {
    for (let i = 0; i < 5; i++) {
      await pool.query("INSERT INTO audit_log (at, type, actor, subject, note) VALUES (now() - make_interval(hours => $1), 'key_rotated', 'cli:ops', $2, 'old entry')", [10 - i, `old-${i}`]);
    }
    await migrate(url);
    expect(await verifyAudit(pool)).toEqual({ ok: true, entries: 5, firstBadSeq: null });
    await recordAudit(pool, { type: 'account_created', actor: 'cli:ops', subject: 'after', note: null });
    const { rows } = await pool.query('SELECT seq::int AS seq, subject FROM audit_log ORDER BY seq');
    expect(rows.map((r) => r.subject)).toEqual(['old-0', 'old-1', 'old-2', 'old-3', 'old-4', 'after']);
    expect((await verifyAudit(pool)).ok).toBe(true);
  } finally {
    await pool.end();
    const admin = new Client({ connectionString: db.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${path.basename(new URL(url).pathname)}`).catch(() => undefined);
    await admin.end();
  }
}, 90_000);
