/**
 * Sign-in and security controls (等保 2.0): password rules and one's own change, the forced change
 * (initial or aged password), idle sessions, throttling per (account, address) and per address
 * answered before any password is checked, the sign-in records, and the client address behind
 * TRUST_PROXY.
 */
import { setPassword } from '../lib/accounts';
import { ConfigError, readConfig } from '../lib/config';
import { startStack, type Stack } from './support/stack';
import { withBearer } from './support/setup-helpers';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack?.stop(); });

let addressSeq = 0;
/** An address no other test of this file uses. */
const freshAddress = () => `10.30.${Math.floor(++addressSeq / 250)}.${(addressSeq % 250) + 1}`;
const signIn = (accountId: string, password: string, address: string, s: Stack = stack) =>
  withBearer(s, null, 'POST', '/v1/sessions', { accountId, password }, { address });

/** A new street account with its initial password. */
async function newAccount(orgId = 'wuhang'): Promise<{ id: string; initialPassword: string; key: string }> {
  const res = await withBearer(stack, 'dev-admin', 'POST', '/v1/accounts', { role: 'street', orgId, name: '值班员' });
  expect(res.status).toBe(201);
  return { id: res.body.account.id, initialPassword: res.body.initialPassword, key: res.body.key };
}

describe('passwords', () => {
  test('an initial password forces a change: every call but GET /v1/me, POST /v1/me/password and sign-out is 403 password_change_required', async () => {
    const a = await newAccount();
    const address = freshAddress();
    const signed = await signIn(a.id, a.initialPassword, address);
    expect(signed.status).toBe(201);
    expect(signed.body.mustChangePassword).toBe(true);
    const token = signed.body.token;
    const me = await withBearer(stack, token, 'GET', '/v1/me');
    expect(me.body).toMatchObject({ mustChangePassword: true, account: { id: a.id } });
    for (const [method, url] of [['GET', '/v1/orgs'], ['GET', '/v1/whistles'], ['GET', '/v1/notifications']] as const) {
      const res = await withBearer(stack, token, method, url);
      expect({ url, status: res.status, code: res.body.error?.code, zh: typeof res.body.error?.messageZh }).toEqual({ url, status: 403, code: 'password_change_required', zh: 'string' });
    }
    // API keys are not affected.
    expect((await withBearer(stack, a.key, 'GET', '/v1/orgs')).status).toBe(200);
    expect((await withBearer(stack, a.key, 'GET', '/v1/me')).body.mustChangePassword).toBe(false);

    const change = (currentPassword: string, newPassword: string) => withBearer(stack, token, 'POST', '/v1/me/password', { currentPassword, newPassword }, { address });
    const refusals: Array<[string, string]> = [
      ['Sh0rt#pw', '至少需要 10 个字符'],
      ['onlylowercaseletters', '三类'],
      ['lowercaseanddigits12345', '三类'],
      [`My#${a.id}#2026`, '不能包含账号'],
      [a.initialPassword, '最近 5 次'],
    ];
    for (const [newPassword, zh] of refusals) {
      const res = await change(a.initialPassword, newPassword);
      expect({ newPassword, status: res.status, code: res.body.error?.code, zh: res.body.error?.messageZh?.includes(zh) }).toEqual({ newPassword, status: 400, code: 'validation_failed', zh: true });
    }
    const wrongCurrent = await change('not my password', 'Wuhang#Duty2026');
    expect({ status: wrongCurrent.status, zh: wrongCurrent.body.error.messageZh }).toEqual({ status: 400, zh: '当前密码不正确' });

    const other = await signIn(a.id, a.initialPassword, freshAddress());
    expect((await change(a.initialPassword, 'Wuhang#Duty2026')).status).toBe(204);
    expect((await withBearer(stack, token, 'GET', '/v1/orgs')).status).toBe(200);
    expect((await withBearer(stack, token, 'GET', '/v1/me')).body.mustChangePassword).toBe(false);
    expect((await withBearer(stack, other.body.token, 'GET', '/v1/me')).status).toBe(401);
    const again = await signIn(a.id, 'Wuhang#Duty2026', freshAddress());
    expect(again.body.mustChangePassword).toBe(false);
    const audit = await stack.pool.query("SELECT actor, address FROM audit_log WHERE type = 'password_changed' AND subject = $1", [a.id]);
    expect(audit.rows).toEqual([{ actor: a.id, address }]);
    // With an API key there is nothing to change a password from.
    expect((await withBearer(stack, a.key, 'POST', '/v1/me/password', { currentPassword: 'Wuhang#Duty2026', newPassword: 'Another#Pass2027' })).status).toBe(400);
  }, 60_000);

  test('none of the last 5: the sixth password back may be used again', async () => {
    const a = await newAccount();
    const address = freshAddress();
    let current = a.initialPassword;
    const token = (await signIn(a.id, current, address)).body.token;
    const used: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const next = `Rotation#${i}x2026`;
      expect((await withBearer(stack, token, 'POST', '/v1/me/password', { currentPassword: current, newPassword: next }, { address })).status).toBe(204);
      used.push(next);
      current = next;
    }
    // The last 5 are Rotation#1…#5; the initial one is the sixth back.
    const reuse = await withBearer(stack, token, 'POST', '/v1/me/password', { currentPassword: current, newPassword: used[0] }, { address });
    expect(reuse.status).toBe(400);
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM password_history WHERE account_id = $1', [a.id])).rows[0].n).toBe(5);
  }, 60_000);

  test('a password older than PASSWORD_MAX_AGE_DAYS must be changed at the next sign-in; 0 never ages', async () => {
    const a = await newAccount();
    await setPassword(stack.pool, 'cli:test', a.id, 'Aged#Password2026');
    await stack.pool.query("UPDATE accounts SET password_set_at = now() - interval '91 days' WHERE id = $1", [a.id]);
    expect((await signIn(a.id, 'Aged#Password2026', freshAddress())).body.mustChangePassword).toBe(true);
    const never = await startStack({ noWorker: true, env: { PASSWORD_MAX_AGE_DAYS: '0' } });
    try {
      expect((await signIn(a.id, 'Aged#Password2026', freshAddress(), never)).body.mustChangePassword).toBe(false);
    } finally {
      await never.stop();
    }
    const listed = (await withBearer(stack, 'dev-admin', 'GET', '/v1/accounts')).body.find((x: { id: string }) => x.id === a.id);
    expect(listed.mustChangePassword).toBe(true);
  }, 60_000);
});

describe('sessions', () => {
  test('a session unused for SESSION_IDLE_MINUTES ends (401); each request extends it', async () => {
    const idle = await startStack({ noWorker: true, env: { SESSION_IDLE_MINUTES: '0.05' } }); // 3 s
    try {
      const { token } = (await signIn('dongjiang', 'dev-dongjiang', freshAddress(), idle)).body;
      const started = Date.now();
      while (Date.now() - started < 5000) {
        expect((await withBearer(idle, token, 'GET', '/v1/me')).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1000));
      }
      await new Promise((r) => setTimeout(r, 3500 + 300 + 100));
      const ended = await withBearer(idle, token, 'GET', '/v1/me');
      expect(ended.status).toBe(401);
      expect(ended.body.error.messageZh).toBe('登录已过期，请重新登录');
      const stored = await stack.pool.query('SELECT last_seen_at > created_at + interval \'3 seconds\' AS extended FROM sessions WHERE account_id = $1 ORDER BY created_at DESC LIMIT 1', ['dongjiang']);
      expect(stored.rows[0].extended).toBe(true);
    } finally {
      await idle.stop();
    }
  }, 60_000);
});

describe('throttling', () => {
  test('5 failures of a pair: 429 for that pair, the right password included; the same account from another address signs in', async () => {
    const a = await newAccount();
    const [here, there] = [freshAddress(), freshAddress()];
    for (let i = 0; i < 5; i++) expect((await signIn(a.id, `wrong-${i}`, here)).status).toBe(401);
    const refused = await signIn(a.id, a.initialPassword, here);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await signIn(a.id, a.initialPassword, there)).status).toBe(201);
  });

  test('20 failures from an address: every sign-in from it is 429; throttled attempts count as no failure', async () => {
    const address = freshAddress();
    const victim = await newAccount();
    // 5 failures make the pair throttled; 10 more attempts of the pair are throttled and count for nothing.
    for (let i = 0; i < 5; i++) expect((await signIn(victim.id, `wrong-${i}`, address)).status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await signIn(victim.id, `wrong-again-${i}`, address)).status).toBe(429);
    // So the address has 5 failures: 15 more on other ids are still checked (401) …
    for (let i = 0; i < 15; i++) expect((await signIn(`nobody-${address}-${i}`, 'whatever it is', address)).status).toBe(401);
    // … and the 21st sign-in from it is 429, whoever it is for, the right password included.
    const blocked = await signIn('xianqi', 'dev-xianqi', address);
    expect(blocked.status).toBe(429);
    expect((await signIn('xianqi', 'dev-xianqi', freshAddress())).status).toBe(201);
  }, 120_000);

  test('sign-in records for security and the auditor: every attempt with its address and outcome, newest first', async () => {
    const a = await newAccount();
    const address = freshAddress();
    await withBearer(stack, 'dev-admin', 'POST', `/v1/accounts/${a.id}/disable`, { reason: '停用测试' });
    await signIn(a.id, a.initialPassword, address);
    await withBearer(stack, 'dev-admin', 'POST', `/v1/accounts/${a.id}/enable`);
    for (let i = 0; i < 4; i++) await signIn(a.id, 'wrong', address);
    await signIn(a.id, a.initialPassword, address); // the 6th attempt of the pair (the disabled one counted): 429
    const other = freshAddress();
    await signIn(a.id, a.initialPassword, other);
    const page = await withBearer(stack, 'dev-security', 'GET', `/v1/sign-ins?accountId=${a.id}&limit=3`);
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      { at: expect.any(String), accountId: a.id, address: other, outcome: 'ok' },
      { at: expect.any(String), accountId: a.id, address, outcome: 'throttled' },
      { at: expect.any(String), accountId: a.id, address, outcome: 'wrong' },
    ]);
    const rest = await withBearer(stack, 'dev-auditor', 'GET', `/v1/sign-ins?accountId=${a.id}&limit=10&cursor=${page.body.nextCursor}`);
    expect(rest.body.items.map((i: { outcome: string }) => i.outcome)).toEqual(['wrong', 'wrong', 'wrong', 'disabled']);
    expect(rest.body.nextCursor).toBeNull();
    for (const as of ['admin', 'center', 'wuhang']) expect((await withBearer(stack, `dev-${as}`, 'GET', '/v1/sign-ins')).status).toBe(403);
    expect((await withBearer(stack, 'dev-security', 'GET', '/v1/sign-ins?from=2026-13-01')).status).toBe(400);
    const audit = await stack.pool.query("SELECT type, address FROM audit_log WHERE subject = $1 AND type IN ('signed_in', 'sign_in_failed') ORDER BY seq", [a.id]);
    expect(audit.rows.map((r) => r.type)).toEqual(['sign_in_failed', 'sign_in_failed', 'sign_in_failed', 'sign_in_failed', 'sign_in_failed', 'signed_in']);
  }, 60_000);

  test('signing out is audited with the address', async () => {
    const address = freshAddress();
    const { token } = (await signIn('zhenghe', 'dev-zhenghe', address)).body;
    expect((await withBearer(stack, token, 'DELETE', '/v1/sessions/current', undefined, { address })).status).toBe(204);
    const entry = await stack.pool.query("SELECT actor, address FROM audit_log WHERE type = 'signed_out' AND subject = 'zhenghe' ORDER BY seq DESC LIMIT 1");
    expect(entry.rows[0]).toEqual({ actor: 'zhenghe', address });
  });
});

describe('TRUST_PROXY', () => {
  test('addresses or CIDRs of proxies whose X-Forwarded-For is believed; true and hop counts are refused', async () => {
    expect(readConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(readConfig({}).trustProxy).toBe(false);
    for (const bad of ['true', '2', 'proxy.example']) expect(() => readConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
    const proxied = await startStack({ noWorker: true, env: { TRUST_PROXY: '10.99.0.0/16' } });
    try {
      const viaProxy = await proxied.app.inject({ method: 'POST', url: '/v1/sessions', remoteAddress: '10.99.0.5',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '172.16.5.9' }, payload: JSON.stringify({ accountId: 'xianqi', password: 'nope-proxy' }) });
      const direct = await proxied.app.inject({ method: 'POST', url: '/v1/sessions', remoteAddress: '10.98.0.5',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '172.16.5.10' }, payload: JSON.stringify({ accountId: 'xianqi', password: 'nope-direct' }) });
      expect([viaProxy.statusCode, direct.statusCode]).toEqual([401, 401]);
      const { rows } = await stack.pool.query("SELECT address FROM sign_ins WHERE account_id = 'xianqi' AND outcome = 'wrong' ORDER BY id DESC LIMIT 2");
      expect(rows.map((r) => r.address)).toEqual(['10.98.0.5', '172.16.5.9']);
    } finally {
      await proxied.stop();
    }
  });
});
