/**
 * Backup and restore of the `npm start` topology (docs/OPERATIONS.md, "Backup and restore"):
 * PostgreSQL (DATABASE_URL: accounts, organisations, phones, the read model, the outbox, the audit
 * log) with `pg_dump --format=custom` / `pg_restore`, and the Temporal dev server's SQLite file
 * (TEMPORAL_DB_FILE: every workflow, its history and its pending timers) with SQLite's backup
 * API (`sqlite3 FILE ".backup COPY"`), which also settles a journal left by a server that stopped.
 *
 * The dev server must be stopped for both: it holds its SQLite file with an exclusive lock and a
 * reader at the same time disturbs it (transactions fail), so there is no consistent online copy
 * of it; and with Temporal stopped nothing moves the read model either, so the two copies agree
 * and `npm run reconcile` finds no drift after a restore. PostgreSQL may keep running (pg_dump
 * reads one consistent snapshot). Both commands refuse while a process holds the SQLite file.
 *
 * A backup is a directory: `whistle.pgdump`, `temporal.db`, `photos/` (every object of the
 * storage STORAGE_URL names, lib/backup-photos.ts) and `manifest.json` (when, from where without
 * passwords, sizes and SHA-256 of the files and of the photos, checked again by restore).
 *
 * What a backup holds is everyone's data (phones, accounts, the audit log): the folder is made
 * 0700 and every file in it 0600 (written under umask 077, then set again). No password appears on
 * a process's command line: pg_dump and pg_restore get the URL without it and the password in
 * their environment (PGPASSWORD), which other users cannot read. Paths reach SQLite's shell as
 * double-quoted arguments with backslash escapes, so any character in them is taken as it is.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ensureDatabase } from './db';
import { createStorage } from './attachments/create-storage';
import type { StorageSetting } from './attachments/storage-setting';
import { backupPhotos, photosProblem, restorePhotos, type PhotosManifest } from './backup-photos';

const run = promisify(execFile);

const PG_DUMP_FILE = 'whistle.pgdump';
const TEMPORAL_FILE = 'temporal.db';
export const MANIFEST_FILE = 'manifest.json';

export class BackupError extends Error {}

export interface Manifest {
  format: 1;
  createdAt: string;
  /** The database's host, port and name (never its password). */
  database: string;
  temporalDbFile: string;
  files: Record<string, { bytes: number; sha256: string }>;
  /** The photos (附件) in `photos/`; absent in backups made before photos existed (restore then leaves the storage alone). */
  photos?: PhotosManifest;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** DATABASE_URL without its credentials, for the manifest and messages. */
function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

/** Pids of the processes that have `file` (or its journal) open, from /proc (Linux); [] elsewhere. */
function processesHolding(file: string): number[] {
  if (!fs.existsSync('/proc/self/fd')) return [];
  const targets = new Set([file, `${file}-journal`, `${file}-wal`].map((f) => path.resolve(f)));
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (targets.has(fs.readlinkSync(`/proc/${entry}/fd/${fd}`))) { found.push(Number(entry)); break; }
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return found;
}

function refuseWhileHeld(file: string): void {
  const holders = processesHolding(file);
  if (holders.length) {
    throw new BackupError(`${file} is open by process ${holders.join(', ')} (the Temporal dev server): stop it first ` +
      '(Ctrl-C on npm start); its SQLite file has no consistent copy while it runs');
  }
}

/** DATABASE_URL without its password, and the password (for PGPASSWORD), so neither command line shows it. */
export function splitPassword(databaseUrl: string): { url: string; password: string | undefined } {
  const url = new URL(databaseUrl);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  return { url: url.toString(), password };
}

/** A path as an argument of a dot-command of SQLite's shell: double-quoted, `\` and `"` escaped (a `'` needs nothing). */
export function sqliteShellArg(file: string): string {
  return `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

async function tool(command: string, args: string[], what: string, env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 64 * 1024 * 1024, ...(env ? { env } : {}) });
    return stdout;
  } catch (err) {
    const e = err as { code?: string | number; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new BackupError(`${command} is not installed (needed to ${what})`);
    throw new BackupError(`${what} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** SQLite's backup API into `to` (a new file), then an integrity check of the copy. */
async function sqliteCopy(from: string, to: string): Promise<void> {
  fs.rmSync(to, { force: true });
  await tool('sqlite3', [from, `.backup ${sqliteShellArg(to)}`], `copy ${from}`);
  const check = (await tool('sqlite3', [to, 'PRAGMA integrity_check;'], `check ${to}`)).trim();
  if (check !== 'ok') throw new BackupError(`the copy ${to} fails SQLite's integrity check: ${check}`);
}

export interface BackupOptions {
  databaseUrl: string; temporalDbFile: string; out: string;
  /** Where the photos are (STORAGE_URL); none: the backup holds no photos. */
  storage?: StorageSetting;
}

/** The environment of pg_dump and pg_restore: the password, if the URL had one, where no command line shows it. */
function pgEnv(password: string | undefined): NodeJS.ProcessEnv {
  return password === undefined ? { ...process.env } : { ...process.env, PGPASSWORD: password };
}

export async function backup(o: BackupOptions): Promise<Manifest> {
  if (!fs.existsSync(o.temporalDbFile)) throw new BackupError(`TEMPORAL_DB_FILE ${o.temporalDbFile} does not exist`);
  refuseWhileHeld(o.temporalDbFile);
  // Nothing the backup writes is ever readable by others, not even for a moment.
  const umask = process.umask(0o077);
  try {
    fs.mkdirSync(o.out, { recursive: true, mode: 0o700 });
    fs.chmodSync(o.out, 0o700);
    if (fs.existsSync(path.join(o.out, MANIFEST_FILE))) throw new BackupError(`${o.out} already holds a backup; give another --out`);
    return await writeBackup(o);
  } finally {
    process.umask(umask);
  }
}

async function writeBackup(o: BackupOptions): Promise<Manifest> {
  const dump = path.join(o.out, PG_DUMP_FILE);
  const db = path.join(o.out, TEMPORAL_FILE);
  const { url, password } = splitPassword(o.databaseUrl);
  // PostgreSQL first: with Temporal stopped nothing changes the read model meanwhile.
  await tool('pg_dump', ['--format=custom', '--no-owner', '--no-acl', `--file=${dump}`, `--dbname=${url}`],
    `dump ${describeDatabase(o.databaseUrl)}`, pgEnv(password));
  fs.chmodSync(dump, 0o600);
  refuseWhileHeld(o.temporalDbFile);
  await sqliteCopy(o.temporalDbFile, db);
  fs.chmodSync(db, 0o600);
  // The photos after PostgreSQL: an upload made meanwhile has its objects here, its row not (the sweep's to delete).
  const photos = o.storage ? await withStorage(o.storage, (storage) => backupPhotos(storage, o.out)) : undefined;
  const manifest: Manifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    database: describeDatabase(o.databaseUrl),
    temporalDbFile: path.resolve(o.temporalDbFile),
    files: Object.fromEntries([PG_DUMP_FILE, TEMPORAL_FILE].map((f) => {
      const p = path.join(o.out, f);
      return [f, { bytes: fs.statSync(p).size, sha256: sha256(p) }];
    })),
    ...(photos ? { photos } : {}),
  };
  fs.writeFileSync(path.join(o.out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(path.join(o.out, MANIFEST_FILE), 0o600);
  return manifest;
}

/** The files every backup has; a manifest that does not list them all (or lists none) is no backup. */
const REQUIRED_FILES = [PG_DUMP_FILE, TEMPORAL_FILE];

export interface RestoreOptions {
  databaseUrl: string; temporalDbFile: string; from: string; replace?: boolean;
  /** Where the photos go (STORAGE_URL); none: the backup's photos are not restored. */
  storage?: StorageSetting;
}

async function withStorage<T>(setting: StorageSetting, work: (storage: ReturnType<typeof createStorage>) => Promise<T>): Promise<T> {
  const storage = createStorage(setting);
  try {
    return await work(storage);
  } finally {
    storage.close();
  }
}

/** Whether the database holds Whistle's schema already (its migrations table). */
async function hasSchema(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT to_regclass('public.pgmigrations') IS NOT NULL AS found");
    return rows[0].found;
  } finally {
    await client.end();
  }
}

export async function restore(o: RestoreOptions): Promise<Manifest> {
  const manifestPath = path.join(o.from, MANIFEST_FILE);
  if (!fs.existsSync(manifestPath)) throw new BackupError(`${o.from} holds no backup (no ${MANIFEST_FILE})`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    throw new BackupError(`${manifestPath} is not a backup's manifest (not JSON)`);
  }
  const files = manifest && typeof manifest.files === 'object' && manifest.files !== null ? manifest.files : {};
  const missing = REQUIRED_FILES.filter((f) => !(f in files));
  if (missing.length) throw new BackupError(`${manifestPath} does not list ${missing.join(' and ')}: not a whole backup, nothing restored`);
  for (const [file, expected] of Object.entries(files)) {
    if (path.basename(file) !== file || typeof expected?.sha256 !== 'string') throw new BackupError(`${manifestPath}: "${file}" is not a file of a backup`);
    const p = path.join(o.from, file);
    if (!fs.existsSync(p) || sha256(p) !== expected.sha256) throw new BackupError(`${p} is missing or not the file the backup made`);
  }
  const photos = manifest.photos && typeof manifest.photos === 'object' ? manifest.photos : undefined;
  const problem = photos ? photosProblem(o.from, photos) : null;
  if (problem) throw new BackupError(`${problem}: nothing restored`);
  refuseWhileHeld(o.temporalDbFile);
  if (fs.existsSync(o.temporalDbFile) && !o.replace) {
    throw new BackupError(`${o.temporalDbFile} exists: give --replace to overwrite it with the backup`);
  }
  await ensureDatabase(o.databaseUrl);
  const existing = await hasSchema(o.databaseUrl);
  if (existing && !o.replace) {
    throw new BackupError(`the database ${describeDatabase(o.databaseUrl)} holds data: give --replace to overwrite it with the backup`);
  }
  const { url, password } = splitPassword(o.databaseUrl);
  await tool('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction',
    ...(existing ? ['--clean', '--if-exists'] : []), `--dbname=${url}`, path.join(o.from, PG_DUMP_FILE)],
  `restore ${describeDatabase(o.databaseUrl)}`, pgEnv(password));
  // The SQLite file: copied next to its place, then renamed over it (never half a file in place).
  fs.mkdirSync(path.dirname(path.resolve(o.temporalDbFile)), { recursive: true });
  const next = `${o.temporalDbFile}.restoring`;
  await sqliteCopy(path.join(o.from, TEMPORAL_FILE), next);
  for (const stale of [`${o.temporalDbFile}-journal`, `${o.temporalDbFile}-wal`, `${o.temporalDbFile}-shm`]) fs.rmSync(stale, { force: true });
  fs.renameSync(next, o.temporalDbFile);
  if (photos && o.storage) await withStorage(o.storage, (storage) => restorePhotos(storage, o.from, o.replace === true));
  return manifest;
}
