/**
 * The backup's security review findings: a backup is 0600 files in a 0700 folder; no password
 * reaches a command line (pg_dump and pg_restore get it in PGPASSWORD); a `'` or `"` in a path
 * does not break SQLite's copy; a manifest that lists no files fails the restore's check.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { BackupError, MANIFEST_FILE, backup, restore, splitPassword, sqliteShellArg } from '../lib/backup';
import { createDatabase, tempDir, type ThrowawayDatabase } from './support/processes';
import { TEST_PEPPER } from './support/constants';

let db: ThrowawayDatabase;
let dir: string;
let record: string;
const savedPath = process.env.PATH;

beforeAll(async () => {
  db = await createDatabase('backup_hardening', TEST_PEPPER);
  dir = tempDir('whistle-backup-hardening');
  // pg_dump and pg_restore wrapped: each records its arguments and the password it was given, then runs the real one.
  const bin = path.join(dir, 'bin');
  record = path.join(dir, 'calls.log');
  fs.mkdirSync(bin);
  for (const tool of ['pg_dump', 'pg_restore']) {
    const real = execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim();
    fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\nprintf '%s argv=%s password=%s\\n' ${tool} "$*" "$PGPASSWORD" >> '${record}'\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  process.env.PATH = `${bin}:${savedPath}`;
}, 60_000);

afterAll(async () => {
  process.env.PATH = savedPath;
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The same database with a password in its URL (the server trusts local connections, and ignores it). */
const withPassword = (url: string) => { const u = new URL(url); u.username = 'postgres'; u.password = 's3cret pa$$'; return u.toString(); };

test('the URL loses its password, which goes to the environment; shell arguments quote any path', () => {
  expect(splitPassword('postgres://whistle:p%40ss@db.example:5432/whistle')).toEqual({ url: 'postgres://whistle@db.example:5432/whistle', password: 'p@ss' });
  expect(splitPassword('postgres://postgres@127.0.0.1/whistle')).toEqual({ url: 'postgres://postgres@127.0.0.1/whistle', password: undefined });
  expect(sqliteShellArg(`/tmp/it's "here"\\x`)).toBe(`"/tmp/it's \\"here\\"\\\\x"`);
});

test('a backup is 0600 files in a 0700 folder, made without a password on any command line, from and into paths with quotes', async () => {
  const temporalDir = path.join(dir, `temporal 'dev' "server"`);
  fs.mkdirSync(temporalDir);
  const temporalDbFile = path.join(temporalDir, `temporal's.db`);
  execFileSync('sqlite3', [temporalDbFile, "CREATE TABLE t (x); INSERT INTO t VALUES ('before backup');"]);
  const out = path.join(dir, `backups/it's "2026-12-07"`);
  const manifest = await backup({ databaseUrl: withPassword(db.url), temporalDbFile, out });
  expect(Object.keys(manifest.files).sort()).toEqual(['temporal.db', 'whistle.pgdump']);
  expect(fs.statSync(out).mode & 0o777).toBe(0o700);
  for (const file of fs.readdirSync(out)) expect({ file, mode: fs.statSync(path.join(out, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  expect(JSON.stringify(manifest)).not.toContain('s3cret');

  const target = new URL(db.url);
  target.pathname = `/${db.name}_restored`;
  const restoredDbFile = path.join(temporalDir, `restored "it's".db`);
  await restore({ databaseUrl: withPassword(target.toString()), temporalDbFile: restoredDbFile, from: out });
  expect(execFileSync('sqlite3', [restoredDbFile, 'SELECT x FROM t']).toString().trim()).toBe('before backup');
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    expect((await client.query("SELECT count(*)::int AS n FROM orgs WHERE id = 'center'")).rows[0].n).toBe(1);
  } finally {
    await client.end();
    const admin = new Client({ connectionString: db.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db.name}_restored" WITH (FORCE)`);
    await admin.end();
  }
  const calls = fs.readFileSync(record, 'utf8').trim().split('\n');
  expect(calls.map((c) => c.split(' ')[0])).toEqual(['pg_dump', 'pg_restore']);
  for (const call of calls) {
    expect(call).toMatch(/password=s3cret pa\$\$$/);
    expect(call.replace(/ password=.*$/, '')).not.toContain('s3cret');
  }
}, 120_000);

test('a manifest that lists no files (or not every file) fails the restore\'s check: nothing restored', async () => {
  const forged = path.join(dir, 'forged');
  fs.mkdirSync(forged);
  fs.writeFileSync(path.join(forged, MANIFEST_FILE), JSON.stringify({ format: 1, createdAt: new Date().toISOString(), database: 'x', temporalDbFile: 'x', files: {} }));
  const temporalDbFile = path.join(dir, 'never-written.db');
  const target = new URL(db.url);
  target.pathname = `/${db.name}_never`;
  await expect(restore({ databaseUrl: target.toString(), temporalDbFile, from: forged })).rejects.toThrow(BackupError);
  await expect(restore({ databaseUrl: target.toString(), temporalDbFile, from: forged })).rejects.toThrow(/does not list whistle\.pgdump and temporal\.db/);
  fs.writeFileSync(path.join(forged, MANIFEST_FILE), JSON.stringify({ format: 1, files: { 'temporal.db': { bytes: 0, sha256: 'x' } } }));
  await expect(restore({ databaseUrl: target.toString(), temporalDbFile, from: forged })).rejects.toThrow(/does not list whistle\.pgdump/);
  expect(fs.existsSync(temporalDbFile)).toBe(false);
});
