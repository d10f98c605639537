/**
 * Console sessions (登录): signing in with an account id and password, the refusals people read
 * (the same 401 for every wrong sign-in, 429 after five failures), expiry, signing out, `/v1/me`
 * for keys and tokens, and the rate limit's buckets (per account however the header is
 * spelled; per address without a valid credential).
 */
import pino from 'pino';
import { createAccount, disableAccount, setPassword } from '../lib/accounts';
import { hashKey } from '../lib/keys';
import { Limits } from '../api/services/limits';
import { SessionService } from '../api/services/sessions';
import { TEST_PEPPER } from './support/constants';
import { startStack, type Stack } from './support/stack';

const WRONG = { error: { code: 'unauthenticated', message: 'unknown account or wrong password', messageZh: '账号或密码错误' } };
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack?.stop(); });

/** Each test signs in from an address of its own: failures from one address are throttled together (20 per 15 minutes). */
function testAddress(): string {
  const name = expect.getState().currentTestName ?? '';
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${(h & 254) + 1}`;
}
const signIn = (accountId: string, password: string, s: Stack = stack) => s.app.inject({
  method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ accountId, password }), remoteAddress: testAddress(),
}).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body), headers: r.headers }));
const withToken = (token: string, method: 'GET' | 'DELETE', url: string, s: Stack = stack) =>
  s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } }).then((r) => ({ status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined, headers: r.headers }));

/** A new street account of wuhang with a password of its own. */
async function personWithPassword(password = 'correct horse battery'): Promise<string> {
  const { id } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'wuhang', role: 'street', id: unique('wuhang-clerk') });
  await setPassword(stack.pool, 'cli:test', id, password);
  return id;
}

describe('signing in', () => {
  test('a seeded account signs in with dev-<id>: 201 with a token that works as a bearer credential until expiresAt', async () => {
    const before = Date.now();
    const res = await signIn('xiguan', 'dev-xiguan');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      token: expect.stringMatching(/^ws_[A-Za-z0-9_-]{40,}$/),
      expiresAt: expect.any(String),
      mustChangePassword: false,
      account: { id: 'xiguan', role: 'community', orgId: 'xiguan', name: '西关社区' },
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const ttl = Date.parse(res.body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(ttl).toBeLessThan(12 * 3600_000 + 60_000);
    expect((await withToken(res.body.token, 'GET', '/v1/orgs')).status).toBe(200);
    // Stored only as its HMAC.
    const stored = await stack.pool.query('SELECT token_hash FROM sessions WHERE token_hash = $1', [hashKey(TEST_PEPPER, res.body.token)]);
    expect(stored.rowCount).toBe(1);
    const plain = await stack.pool.query("SELECT count(*)::int AS n FROM sessions WHERE row_to_json(sessions)::text LIKE '%' || $1 || '%'", [res.body.token]);
    expect(plain.rows[0].n).toBe(0);
  });

  test('a dev password works whatever its length (dev-<id> may be shorter than 10 characters)', async () => {
    expect('dev-water'.length).toBeLessThan(10);
    expect((await signIn('water', 'dev-water')).status).toBe(201);
  });

  test('an account with a password of its own signs in with it, and no longer with anything else', async () => {
    const id = await personWithPassword('吴航街道 受理员 2026');
    expect((await signIn(id, '吴航街道 受理员 2026')).status).toBe(201);
    expect((await signIn(id, `dev-${id}`)).body).toEqual(WRONG);
    const stored = await stack.pool.query('SELECT password_hash FROM accounts WHERE id = $1', [id]);
    expect(stored.rows[0].password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  test('a wrong password and an unknown account are the same 401, with a Chinese sentence for people', async () => {
    const wrong = await signIn('wuhang', 'dev-wuhang-not');
    const unknown = await signIn(unique('nobody'), 'dev-nobody');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(WRONG);
    expect(unknown.body).toEqual(WRONG);
  });

  test('a disabled account, and one without a password, are the same 401 as a wrong password', async () => {
    const id = await personWithPassword('a long enough secret');
    await disableAccount(stack.pool, 'cli:test', id);
    const disabled = await signIn(id, 'a long enough secret');
    expect({ status: disabled.status, body: disabled.body }).toEqual({ status: 401, body: WRONG });
    const { id: noPassword } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'xiguan', role: 'resident', id: unique('xiguan-resident') });
    const none = await signIn(noPassword, `dev-${noPassword}`);
    expect({ status: none.status, body: none.body }).toEqual({ status: 401, body: WRONG });
  });

  test('in production the dev passwords are refused like any wrong password, and real passwords work', async () => {
    const id = await personWithPassword('production password 1');
    const prod = await startStack({ noWorker: true, env: { NODE_ENV: 'production' } });
    try {
      expect(await signIn('center', 'dev-center', prod)).toMatchObject({ status: 401, body: WRONG });
      expect((await signIn(id, 'production password 1', prod)).status).toBe(201);
    } finally {
      await prod.stop();
    }
  });

  test('bad bodies are 400, never a sign-in attempt', async () => {
    for (const body of [{}, { accountId: 'xiguan' }, { accountId: '', password: 'x' }, { accountId: 'xiguan', password: 'dev-xiguan', remember: true }]) {
      const res = await stack.call(null, 'POST', '/v1/sessions', body);
      expect({ body, status: res.status, code: res.body.error.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
  });
});

describe('login throttling', () => {
  test('after 5 failed sign-ins every sign-in for that account is 429 for the window, the right password included', async () => {
    const id = await personWithPassword('the right password');
    for (let i = 0; i < 5; i++) expect((await signIn(id, `wrong ${i}`)).status).toBe(401);
    const right = await signIn(id, 'the right password');
    expect(right.status).toBe(429);
    expect(right.body.error).toEqual({
      code: 'rate_limited', message: 'too many failed sign-ins for this account: try again in 15 minutes', messageZh: '登录失败次数过多，请 15 分钟后再试',
    });
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(right.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Other accounts are not affected, nor is the account's key.
    expect((await signIn('dongguan', 'dev-dongguan')).status).toBe(201);
  });

  test('unknown account ids are throttled alike: the answers do not tell which ids exist', async () => {
    const ghost = unique('ghost');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await signIn(ghost, 'whatever it is')).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
  });

  test('successful sign-ins do not count, and do not reset the failures', async () => {
    const id = await personWithPassword('yet another password');
    const statuses = [];
    for (const pw of ['x1', 'x2', 'yet another password', 'x3', 'x4', 'yet another password', 'x5', 'yet another password']) {
      statuses.push((await signIn(id, pw)).status);
    }
    expect(statuses).toEqual([401, 401, 201, 401, 401, 201, 401, 429]);
  });

  test('a burst of parallel guesses gets five password checks, no more', async () => {
    const id = await personWithPassword('parallel password');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(id, `guess ${i}`)));
    const counts = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 401: 5, 429: 7 });
  });

  test('the window starts at the first failure and, once over, sign-ins are checked again', async () => {
    const id = await personWithPassword('window password');
    const limits = new Limits({ redisUrl: undefined, keyPrefix: 'unused:', logger: pino({ level: 'silent' }) });
    const sessions = new SessionService({ pool: stack.pool, pepper: TEST_PEPPER, production: false, ttlHours: 1, limits, loginWindowMs: 8000 });
    const outcome = (pw: string) => sessions.signIn(id, pw, '10.8.0.1').then(() => 201, (err) => err.status as number);
    const first = Date.now();
    expect(await outcome('wrong')).toBe(401);
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 4; i++) expect(await outcome('wrong')).toBe(401);
    expect(await outcome('window password')).toBe(429);
    // Still inside the window that began with the first failure …
    if (Date.now() - first < 7000) expect(await outcome('window password')).toBe(429);
    // … and checked again once it is over (8 s after the first failure, not after the last).
    await new Promise((r) => setTimeout(r, Math.max(0, first + 8100 - Date.now())));
    expect(await outcome('window password')).toBe(201);
  });
});

describe('sessions', () => {
  test('GET /v1/me answers the account, its organisation and its console (menu, rights, first page), for a key and for a session token alike', async () => {
    // The compound's side menu, in order: key, title, path.
    const menu = [
      ['queue', '待办', '/queue'], ['file', '吹哨', '/whistles/new'], ['whistles', '本社区事项', '/whistles'], ['knowledge', '知识库', '/knowledge'],
      ['help', '邻里搭把手', '/help'], ['notifications', '通知', '/notifications'], ['calendar', '工作日历', '/calendar'],
    ];
    const expected = {
      mustChangePassword: false,
      account: { id: 'xiguan-jiangjing', role: 'community', orgId: 'xiguan-jiangjing', name: '江景花园小区' },
      org: { id: 'xiguan-jiangjing', kind: 'compound', name: '江景花园小区', parentId: 'xiguan' },
      menus: menu.map(([key, title, path]) => ({ key, title, path })),
      rights: ['queue', 'file', 'whistles', 'whistle', 'notifications', 'help', 'help-new', 'help-request', 'record', 'password', 'calendar', 'board', 'knowledge'],
      home: '/queue',
    };
    const byKey = await stack.call('xiguan-jiangjing', 'GET', '/v1/me');
    expect({ status: byKey.status, body: byKey.body }).toEqual({ status: 200, body: expected });
    const { body: signedIn } = await signIn('xiguan-jiangjing', 'dev-xiguan-jiangjing');
    const byToken = await withToken(signedIn.token, 'GET', '/v1/me');
    expect({ status: byToken.status, body: byToken.body }).toEqual({ status: 200, body: expected });
    expect((await stack.call(null, 'GET', '/v1/me')).status).toBe(401);
  });

  test('signing out: 204, then the token is refused with the Chinese sentence; an API key cannot sign out (400)', async () => {
    const { body } = await signIn('hangcheng', 'dev-hangcheng');
    expect((await withToken(body.token, 'GET', '/v1/me')).status).toBe(200);
    expect((await withToken(body.token, 'DELETE', '/v1/sessions/current')).status).toBe(204);
    const after = await withToken(body.token, 'GET', '/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.error).toEqual({ code: 'unauthenticated', message: expect.any(String), messageZh: '登录已过期，请重新登录' });
    expect((await withToken(body.token, 'DELETE', '/v1/sessions/current')).status).toBe(401);
    const byKey = await stack.call('hangcheng', 'DELETE', '/v1/sessions/current');
    expect(byKey.status).toBe(400);
    expect(byKey.body.error.code).toBe('validation_failed');
    expect((await stack.call('hangcheng', 'GET', '/v1/me')).status).toBe(200);
  });

  test('a session expires after SESSION_TTL_HOURS: the token is then refused with the Chinese sentence', async () => {
    const short = await startStack({ noWorker: true, env: { SESSION_TTL_HOURS: '0.0008' } }); // 2.88 s
    try {
      const { status, body } = await signIn('yingqian', 'dev-yingqian', short);
      expect(status).toBe(201);
      expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThan(3000);
      expect((await withToken(body.token, 'GET', '/v1/me', short)).status).toBe(200);
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(body.expiresAt) - Date.now()) + 200));
      const expired = await withToken(body.token, 'GET', '/v1/me', short);
      expect(expired.status).toBe(401);
      expect(expired.body.error.messageZh).toBe('登录已过期，请重新登录');
    } finally {
      await short.stop();
    }
  });

  test('a made-up session token is refused like an expired one', async () => {
    const res = await withToken('ws_madeupmadeupmadeupmadeupmadeupmadeupmadeup', 'GET', '/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.error.messageZh).toBe('登录已过期，请重新登录');
  });
});

describe('rate-limit buckets', () => {
  let limited: Stack;
  beforeAll(async () => { limited = await startStack({ noWorker: true, env: { RATE_LIMIT_PER_MINUTE: '5' } }); });
  afterAll(async () => { await limited?.stop(); });
  const raw = (authorization: string | undefined, url = '/v1/orgs') =>
    limited.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {}, remoteAddress: '10.0.0.9' }).then((r) => r.statusCode);

  test('a flood of made-up keys meets 429: requests without a valid credential are limited per address', async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await limited.app.inject({ method: 'GET', url: '/v1/orgs', headers: { authorization: `Bearer wk_madeup${i}` }, remoteAddress: '10.0.0.7' }).then((r) => r.statusCode));
    expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Another address has its own budget; a valid key from the flooded address has its account's.
    expect(await limited.app.inject({ method: 'GET', url: '/v1/orgs', remoteAddress: '10.0.0.8' }).then((r) => r.statusCode)).toBe(401);
    expect(await limited.app.inject({ method: 'GET', url: '/v1/orgs', headers: { authorization: 'Bearer dev-mofan' }, remoteAddress: '10.0.0.7' }).then((r) => r.statusCode)).toBe(200);
  });

  test('a valid key is one bucket per account however the header is spelled, and its sessions share it', async () => {
    const { body } = await signIn('changan', 'dev-changan', limited); // 1 (per address)
    const answers = [
      await raw('Bearer dev-changan'), await raw('bearer dev-changan'), await raw('Bearer  dev-changan'),
      await raw('BEARER dev-changan '), await raw(`Bearer ${body.token}`), await raw(`bearer ${body.token}`),
    ];
    expect(answers).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
