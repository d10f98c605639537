/**
 * `npm start` fails cleanly: what can be checked (the policy file, PostgreSQL) is checked before
 * anything starts, and a failure after the Temporal dev server started stops it again, so no
 * dev server is left holding the port. Each case runs `scripts/start.ts` as its own process on
 * free ports with a dev server database file of its own.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, isListening } from '../lib/temporal-dev-server';
import { ROOT, tempDir } from './support/processes';
import { TEST_PEPPER } from './support/constants';

const run = promisify(execFile);
const dirs: string[] = [];
const scratch = (prefix: string) => { const d = tempDir(prefix); dirs.push(d); return d; };

afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

interface Outcome { code: number; output: string; port: number; dbFile: string; ms: number }

async function start(env: Record<string, string>): Promise<Outcome> {
  const dir = scratch('whistle-start');
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.db');
  const started = Date.now();
  try {
    await run('npx', ['tsx', 'scripts/start.ts'], {
      cwd: ROOT, timeout: 150_000,
      env: {
        ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_DB_FILE: dbFile, PORT: String(await freePort()),
        WORKER_METRICS_PORT: '0', DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL!, API_KEY_PEPPER: TEST_PEPPER,
        LOG_LEVEL: 'warn', PATH: `${path.dirname(process.env.WHISTLE_TEST_TEMPORAL_CLI!)}:${process.env.PATH}`, ...env,
      },
    });
    return { code: 0, output: '', port, dbFile, ms: Date.now() - started };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}`, port, dbFile, ms: Date.now() - started };
  }
}

describe('npm start refuses before starting anything', () => {
  test('a bad POLICY_FILE: exit 1 with the reason; no Temporal dev server was started', async () => {
    const dir = scratch('whistle-policy');
    const policy = path.join(dir, 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ street: { acceptWithin: { weeks: 1 } } }));
    const r = await start({ POLICY_FILE: policy });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/POLICY_FILE .*street\.acceptWithin/);
    expect(r.output).toContain('nothing was started');
    expect(await isListening('127.0.0.1', r.port)).toBe(false);
    expect(fs.existsSync(r.dbFile)).toBe(false);
  });

  test('PostgreSQL unreachable: exit 1 with the reason; no Temporal dev server was started', async () => {
    const r = await start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/whistle` });
    expect(r.code).toBe(1);
    expect(r.output).toContain('PostgreSQL at DATABASE_URL cannot be used');
    expect(await isListening('127.0.0.1', r.port)).toBe(false);
    expect(fs.existsSync(r.dbFile)).toBe(false);
  });
});

describe('npm start failing after the dev server started', () => {
  test('stops the dev server it started: its port is free again', async () => {
    const dir = scratch('whistle-bundle');
    const bundle = path.join(dir, 'broken-bundle.js');
    fs.writeFileSync(bundle, 'this is no workflow bundle {');
    const r = await start({ WORKFLOW_BUNDLE: bundle });
    expect(r.code).toBe(1);
    expect(r.output).toContain('start failed: stopping what was started');
    // The dev server did start (it made its database file), and is gone.
    expect(fs.existsSync(r.dbFile)).toBe(true);
    expect(await isListening('127.0.0.1', r.port)).toBe(false);
    expect(await isListening('127.0.0.1', r.port + 1000)).toBe(false);
  });
});
