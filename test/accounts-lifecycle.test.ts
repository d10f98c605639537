/**
 * The account lifecycle as operators run it: `npm run accounts -- create | rotate-key | disable |
 * enable | set-password`, each as a child process, each with its audit entry (actor
 * `cli:<user>`) and its effect — on this test's API and on a second API process of its own, which
 * must refuse a rotated key or a disabled account within 5 seconds (measured: at once).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cliActor } from '../lib/audit';
import { createAccount, disableAccount } from '../lib/accounts';
import { CredentialCache } from '../api/services/credential-cache';
import { Directory } from '../api/services/directory';
import { freePort } from '../lib/temporal-dev-server';
import { TEST_PEPPER } from './support/constants';
import { ROOT, http, spawnService, tempDir, waitForApi, type Http, type ServiceProcess } from './support/processes';
import { startStack, type Stack } from './support/stack';

interface Run { code: number | null; stdout: string; stderr: string }

/** `npm run accounts -- …args` as a child process, with `input` on its standard input. */
function accounts(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/accounts.ts', ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL, API_KEY_PEPPER: TEST_PEPPER },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
const lastLine = (text: string) => text.trim().split('\n').pop()!;

let stack: Stack;
let second: { api: ServiceProcess; http: Http; dir: string };

beforeAll(async () => {
  stack = await startStack({ noWorker: true });
  const dir = tempDir('whistle-lifecycle');
  const port = await freePort();
  const api = spawnService({
    kind: 'api', logFile: path.join(dir, 'api.log'),
    env: {
      DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL!, TEMPORAL_ADDRESS: process.env.WHISTLE_TEST_TEMPORAL!,
      API_KEY_PEPPER: TEST_PEPPER, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000',
      NODE_ENV: 'development', DEV_SEED: 'no', REDIS_URL: '', WEBHOOK_URL: '',
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForApi(baseUrl, api);
  second = { api, http: http(baseUrl), dir };
}, 180_000);

afterAll(async () => {
  await second?.api.stop(10_000);
  await stack?.stop();
  if (second && !process.env.WHISTLE_KEEP_TEST_DIR) fs.rmSync(second.dir, { recursive: true, force: true });
});

/** Status of GET /v1/me with this bearer value on the in-process API and on the second API process. */
async function onBoth(bearer: string): Promise<[number, number]> {
  const here = await stack.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${bearer}` } });
  const there = await second.http.call(null, 'GET', '/v1/me', undefined, { authorization: `Bearer ${bearer}` });
  return [here.statusCode, there.status];
}

/** The account's administrative entries (its own sign-ins and sign-outs are in the log too: security-controls.test.ts). */
async function auditOf(subject: string) {
  const { rows } = await stack.pool.query(
    "SELECT type, actor, subject, note FROM audit_log WHERE subject = $1 AND type NOT IN ('signed_in', 'sign_in_failed', 'signed_out') ORDER BY seq", [subject]);
  return rows as Array<{ type: string; actor: string; subject: string; note: string | null }>;
}

async function signIn(accountId: string, password: string): Promise<string> {
  const res = await second.http.call(null, 'POST', '/v1/sessions', { accountId, password });
  expect(res.status).toBe(201);
  return res.body.token;
}

/** Polls the second API process until `bearer` is refused; the time it took after `since`. */
async function refusedAfter(bearer: string, since: number, ms = 10_000): Promise<number> {
  for (;;) {
    const res = await second.http.call(null, 'GET', '/v1/me', undefined, { authorization: `Bearer ${bearer}` });
    if (res.status === 401) return Date.now() - since;
    if (Date.now() - since > ms) throw new Error(`still ${res.status} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const actor = cliActor();

test('create prints a key once and writes account_created in the audit log', async () => {
  const id = unique('xiguan-member');
  const run = await accounts(['create', '--org', 'xiguan', '--role', 'member', '--id', id, '--name', '新党员']);
  expect(run.code).toBe(0);
  const key = lastLine(run.stdout);
  expect(await onBoth(key)).toEqual([200, 200]);
  expect(actor).toMatch(/^cli:.+/);
  expect(await auditOf(id)).toEqual([{ type: 'account_created', actor, subject: id, note: 'member of xiguan' }]);
});

test('rotate-key prints a new key; the old one stops working at once, on every API process; key_rotated is audited', async () => {
  const { id, key: old } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'wuhang', role: 'street', id: unique('wuhang-clerk') });
  expect(await onBoth(old)).toEqual([200, 200]); // now cached by both
  const run = await accounts(['rotate-key', '--id', id]);
  expect(run.code).toBe(0);
  const fresh = lastLine(run.stdout);
  expect(fresh).toMatch(/^wk_[A-Za-z0-9_-]{20,}$/);
  expect(await onBoth(old)).toEqual([401, 401]);
  expect(await onBoth(fresh)).toEqual([200, 200]);
  const audit = await auditOf(id);
  expect(audit.map((a) => [a.type, a.actor])).toEqual([['account_created', 'cli:test'], ['key_rotated', actor]]);
  expect(JSON.stringify(audit)).not.toContain(fresh);
  expect(JSON.stringify(audit)).not.toContain(old);
});

test('disable: the key and every session stop working on a second API process within 5 s; enable brings the key back, not the sessions', async () => {
  const { id, key } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'hangcheng', role: 'street', id: unique('hangcheng-clerk') });
  const password = 'hangcheng clerk password';
  expect((await accounts(['set-password', '--id', id], `${password}\n`)).code).toBe(0);
  const session = await signIn(id, password);
  expect(await onBoth(key)).toEqual([200, 200]);
  expect(await onBoth(session)).toEqual([200, 200]);

  const run = await accounts(['disable', '--id', id, '--reason', '调离岗位']);
  const returned = Date.now();
  expect(run.code).toBe(0);
  const keyMs = await refusedAfter(key, returned);
  const sessionMs = await refusedAfter(session, returned);
  console.log(`[lifecycle] disable → refused on a second API process: key ${keyMs} ms, session ${sessionMs} ms after the command returned`);
  expect(keyMs).toBeLessThan(5000);
  expect(sessionMs).toBeLessThan(5000);
  expect(await onBoth(key)).toEqual([401, 401]);
  expect(await onBoth(session)).toEqual([401, 401]);
  // Signing in is refused like a wrong password.
  const signIn401 = await second.http.call(null, 'POST', '/v1/sessions', { accountId: id, password });
  expect(signIn401.status).toBe(401);
  expect(signIn401.body.error.message).toBe('unknown account or wrong password');

  expect((await accounts(['enable', '--id', id])).code).toBe(0);
  expect(await onBoth(key)).toEqual([200, 200]);
  expect(await onBoth(session)).toEqual([401, 401]);
  expect(await onBoth(await signIn(id, password))).toEqual([200, 200]);

  expect((await auditOf(id)).map((a) => [a.type, a.actor, a.note])).toEqual([
    ['account_created', 'cli:test', 'street of hangcheng'],
    ['password_set', actor, 'password set'],
    ['account_disabled', actor, '调离岗位; key refused and 1 session ended'],
    ['account_enabled', actor, 'key works again; earlier sessions stay ended'],
  ]);
}, 60_000);

test('set-password reads standard input, refuses fewer than 10 characters (exit 2, nothing changed), and is audited without the password', async () => {
  const { id } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'yingqian', role: 'street', id: unique('yingqian-clerk') });
  // A new account has its initial password; a refused one leaves it as it is.
  const initial = (await stack.pool.query('SELECT password_hash FROM accounts WHERE id = $1', [id])).rows[0].password_hash;
  const short = await accounts(['set-password', '--id', id], '123456789\n');
  expect(short.code).toBe(2);
  expect(short.stderr).toContain('at least 10 characters');
  expect((await stack.pool.query('SELECT password_hash FROM accounts WHERE id = $1', [id])).rows[0].password_hash).toBe(initial);

  const first = await accounts(['set-password', '--id', id], '营前街道值班 password\n');
  expect(first.code).toBe(0);
  const session = await signIn(id, '营前街道值班 password');
  expect(await onBoth(session)).toEqual([200, 200]);
  // A new password ends the sessions signed in with the old one, and the old password stops working.
  expect((await accounts(['set-password', '--id', id], 'another long password')).code).toBe(0);
  expect(await onBoth(session)).toEqual([401, 401]);
  expect((await second.http.call(null, 'POST', '/v1/sessions', { accountId: id, password: '营前街道值班 password' })).status).toBe(401);
  await signIn(id, 'another long password');

  const audit = await auditOf(id);
  expect(audit.map((a) => [a.type, a.note])).toEqual([
    ['account_created', 'street of yingqian'], ['password_set', 'password set'], ['password_set', 'password set; 1 earlier session ended'],
  ]);
  const everywhere = await stack.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE row_to_json(audit_log)::text ~ '营前街道值班|another long'");
  expect(everywhere.rows[0].n).toBe(0);
}, 60_000);

test('every command refuses an unknown account or a missing --id with exit 2 and changes nothing', async () => {
  const before = (await stack.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
  for (const command of ['rotate-key', 'disable', 'enable']) {
    const run = await accounts([command, '--id', 'atlantis-nobody']);
    expect({ command, code: run.code, said: /no account with id "atlantis-nobody"/.test(run.stderr) }).toEqual({ command, code: 2, said: true });
    expect((await accounts([command])).code).toBe(2);
  }
  expect((await accounts(['set-password', '--id', 'atlantis-nobody'], 'long enough password')).code).toBe(2);
  expect((await accounts(['retire', '--id', 'xiguan'])).code).toBe(2);
  expect((await stack.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(before);
}, 240_000); // eight runs of the command, each a fresh process

test('without notifications a cached credential still lives at most the cache\'s few seconds', async () => {
  const { id, key } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'mofan', role: 'resident', id: unique('mofan-resident') });
  // A Directory whose cache hears nothing (no listener): only its time to live protects it.
  const directory = new Directory(stack.pool, TEST_PEPPER, false, new CredentialCache(3000));
  expect(await directory.authenticate(key)).toMatchObject({ id });
  await disableAccount(stack.pool, 'cli:test', id);
  const disabledAt = Date.now();
  expect(await directory.authenticate(key)).toMatchObject({ id }); // still cached
  while ((await directory.authenticate(key)) !== null) {
    expect(Date.now() - disabledAt).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Refused once the cache's time to live ran out, and not before: the entry read at `disabledAt`
  // still answered above, so it had not yet expired then.
  expect(await directory.authenticate(key)).toBeNull();
});
