/** Accounts: keys created by the operators' command, stored hashed; dev keys refused in production. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startStack, type Stack } from './support/stack';
import { TEST_PEPPER } from './support/constants';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

function accounts(...args: string[]) {
  return run(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/accounts.ts', ...args], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL, API_KEY_PEPPER: TEST_PEPPER },
  });
}

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack.stop(); });

test('npm run accounts -- create prints a new key once; the key works and only its hash is stored', async () => {
  const { stdout } = await accounts('create', '--org', 'xiguan', '--role', 'member', '--id', `xiguan-member-cli-${Date.now()}`, '--name', '新党员');
  const key = stdout.trim().split('\n').pop()!;
  expect(key).toMatch(/^wk_[A-Za-z0-9_-]{20,}$/);
  const res = await stack.app.inject({ method: 'GET', url: '/v1/orgs', headers: { authorization: `Bearer ${key}` } });
  expect(res.statusCode).toBe(200);
  const stored = await stack.pool.query('SELECT count(*)::int AS n FROM accounts WHERE key_hash LIKE $1', [`%${key}%`]);
  expect(stored.rows[0].n).toBe(0);
});

test('accounts create refuses an unknown organisation or role with a usage message (exit 2)', async () => {
  await expect(accounts('create', '--org', 'atlantis', '--role', 'member')).rejects.toMatchObject({ code: 2 });
  await expect(accounts('create', '--org', 'xiguan', '--role', 'mayor')).rejects.toMatchObject({ code: 2 });
  await expect(accounts('create', '--org', 'xiguan')).rejects.toMatchObject({ code: 2 });
});

test('in production the development keys are refused', async () => {
  const prod = await startStack({ noWorker: true, env: { NODE_ENV: 'production' } });
  try {
    expect((await prod.call('center', 'GET', '/v1/orgs')).status).toBe(401);
  } finally {
    await prod.stop();
  }
  expect((await stack.call('center', 'GET', '/v1/orgs')).status).toBe(200);
});
