/**
 * Accounts administered through the API (上线): the system administrator creates one or many
 * (key and initial password shown once), disables, enables, rotates keys and resets passwords;
 * the security administrator unlocks and ends sessions; roles must fit their units; the three
 * administrators (三员分立) are made only at the command line and never reach cases.
 */
import { createAccount } from '../lib/accounts';
import { characterClasses } from '../lib/passwords';
import { devKey, hashKey } from '../lib/keys';
import { TEST_PEPPER } from './support/constants';
import { startStack, type Stack } from './support/stack';
import { command, unitPrefix, withBearer } from './support/setup-helpers';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack?.stop(); });

const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => withBearer(stack, 'dev-admin', method, url, body);
const signIn = (accountId: string, password: string, address = '10.20.0.1') =>
  withBearer(stack, null, 'POST', '/v1/sessions', { accountId, password }, { address });
const auditOf = async (subject: string) => (await stack.pool.query(
  "SELECT type, actor, address FROM audit_log WHERE subject = $1 AND type NOT IN ('signed_in', 'sign_in_failed', 'signed_out') ORDER BY seq", [subject])).rows;

describe('creating accounts', () => {
  test('POST /v1/accounts answers the account, its key and a random initial password, once; the key works at once', async () => {
    const id = unitPrefix('clerk');
    const res = await admin('POST', '/v1/accounts', { id, role: 'street', orgId: 'wuhang', name: '吴航街道受理员' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      account: { id, role: 'street', orgId: 'wuhang', name: '吴航街道受理员' },
      key: expect.stringMatching(/^wk_/), initialPassword: expect.any(String),
    });
    expect(res.body.initialPassword.length).toBeGreaterThanOrEqual(12);
    expect(characterClasses(res.body.initialPassword)).toBeGreaterThanOrEqual(3);
    expect((await withBearer(stack, res.body.key, 'GET', '/v1/me')).body.account.id).toBe(id);
    expect(await auditOf(id)).toEqual([{ type: 'account_created', actor: 'admin', address: '127.0.0.1' }]);
    const listed = (await admin('GET', '/v1/accounts')).body.find((a: { id: string }) => a.id === id);
    expect(listed).toEqual({ id, role: 'street', orgId: 'wuhang', name: '吴航街道受理员', disabled: false, locked: false, hasPassword: true, mustChangePassword: true, lastSignInAt: null });
  });

  test('the role must fit the unit; administrators are made only at the command line; only admin creates', async () => {
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ role: 'member', orgId: 'wuhang', name: '党员' }, 400],
      [{ role: 'community', orgId: 'housing', name: '错配' }, 400],
      [{ role: 'department', orgId: 'xiguan-jiangjing', name: '错配' }, 400],
      [{ role: 'supervisor', orgId: 'atlantis', name: '无此单位' }, 400],
      [{ role: 'admin', orgId: 'center', name: '第二个管理员' }, 403],
      [{ role: 'auditor', orgId: 'center', name: '第二个审计员' }, 403],
      [{ id: 'xiguan', role: 'community', orgId: 'xiguan', name: '已存在' }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await admin('POST', '/v1/accounts', body);
      expect({ body, status: res.status, zh: typeof res.body.error?.messageZh }).toEqual({ body, status, zh: 'string' });
    }
    for (const ok of [{ role: 'member', orgId: 'xiguan' }, { role: 'resident', orgId: 'xiguan' }, { role: 'community', orgId: 'xiguan-jiangjing' }, { role: 'supervisor', orgId: 'supervision' }]) {
      expect((await admin('POST', '/v1/accounts', { ...ok, name: '新账号' })).status).toBe(201);
    }
    for (const as of ['dev-center', 'dev-security', 'dev-auditor', 'dev-xiguan']) {
      expect((await withBearer(stack, as, 'POST', '/v1/accounts', { role: 'member', orgId: 'xiguan', name: '党员' })).status).toBe(403);
    }
    const cli = await command('accounts', ['create', '--org', 'center', '--role', 'auditor', '--id', unitPrefix('auditor'), '--name', '审计员乙']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/initial password/);
    expect((await command('accounts', ['create', '--org', 'xiguan', '--role', 'security'])).code).toBe(2);
  });

  test('POST /v1/accounts/import: every account or none; each error with its row; each created one audited', async () => {
    const p = unitPrefix('imp');
    const bad = await withBearer(stack, 'dev-admin', 'POST', '/v1/accounts/import',
      `id,role,orgId,name\n${p}-1,member,xiguan,党员甲\n${p}-1,member,xiguan,重复\nxiguan,community,xiguan,已存在\n${p}-3,street,xiguan,错配\n${p}-4,member,atlantis,无单位\n`,
      { contentType: 'text/csv' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([[2, 'id'], [3, 'id'], [4, 'role'], [5, 'orgId']]);
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM accounts WHERE id LIKE $1', [`${p}-%`])).rows[0].n).toBe(0);
    const good = await withBearer(stack, 'dev-admin', 'POST', '/v1/accounts/import',
      `\uFEFFid,role,orgId,name\r\n${p}-1,member,xiguan,党员甲\r\n${p}-2,resident,dongguan,居民乙\r\n`, { contentType: 'text/csv' });
    expect(good.status).toBe(201);
    expect(good.body.created).toEqual([
      { id: `${p}-1`, key: expect.stringMatching(/^wk_/), initialPassword: expect.any(String) },
      { id: `${p}-2`, key: expect.stringMatching(/^wk_/), initialPassword: expect.any(String) },
    ]);
    const json = await admin('POST', '/v1/accounts/import', { accounts: [{ id: `${p}-3`, role: 'department', orgId: 'water', name: '水利局值班' }] });
    expect(json.body.created.map((c: { id: string }) => c.id)).toEqual([`${p}-3`]);
    expect(await auditOf(`${p}-1`)).toEqual([{ type: 'account_created', actor: 'admin', address: '127.0.0.1' }]);
    const summary = await stack.pool.query("SELECT note FROM audit_log WHERE type = 'accounts_imported' ORDER BY seq DESC LIMIT 2");
    expect(summary.rows.map((r) => r.note)).toEqual([`1 account created: ${p}-3`, `2 accounts created: ${p}-1, ${p}-2`]);
  });
});

describe('the lifecycle through the API', () => {
  test('disable (with a reason) and enable; nobody disables themselves; administrators\' accounts are not changed here', async () => {
    const { id, key } = await createAccount(stack.pool, TEST_PEPPER, 'cli:test', { org: 'mofan', role: 'resident', id: unitPrefix('mofan-r') });
    expect((await admin('POST', `/v1/accounts/${id}/disable`, {})).status).toBe(400);
    const off = await admin('POST', `/v1/accounts/${id}/disable`, { reason: '搬离社区' });
    expect(off.body).toMatchObject({ id, disabled: true });
    expect((await withBearer(stack, key, 'GET', '/v1/me')).status).toBe(401);
    expect((await admin('POST', `/v1/accounts/${id}/enable`)).body).toMatchObject({ id, disabled: false });
    expect((await withBearer(stack, key, 'GET', '/v1/me')).status).toBe(200);
    expect((await admin('POST', '/v1/accounts/admin/disable', { reason: '试试' })).status).toBe(403);
    for (const target of ['security', 'auditor']) {
      for (const action of ['disable', 'enable', 'rotate-key', 'reset-password']) {
        const res = await admin('POST', `/v1/accounts/${target}/${action}`, action === 'disable' ? { reason: '试试' } : undefined);
        expect({ target, action, status: res.status }).toEqual({ target, action, status: 403 });
      }
    }
    expect((await admin('POST', '/v1/accounts/atlantis-nobody/enable')).status).toBe(404);
    expect((await auditOf(id)).map((a) => a.type)).toEqual(['account_created', 'account_disabled', 'account_enabled']);
  });

  test('rotate-key: the old key and the sessions opened with it as password stop at once; sessions opened with a password stay', async () => {
    // An account whose key is its development key (as the seeded ones), so its dev password is the key.
    const id = unitPrefix('devlike');
    await stack.pool.query("INSERT INTO accounts (id, role, org_id, name, key_hash) VALUES ($1, 'street', 'zhanggang', '漳港街道值班', $2)", [id, hashKey(TEST_PEPPER, devKey(id))]);
    const viaKey = await signIn(id, devKey(id));
    expect(viaKey.status).toBe(201);
    const rotated = await admin('POST', `/v1/accounts/${id}/rotate-key`);
    expect(rotated.body).toEqual({ key: expect.stringMatching(/^wk_/) });
    expect((await withBearer(stack, devKey(id), 'GET', '/v1/me')).status).toBe(401);
    expect((await withBearer(stack, viaKey.body.token, 'GET', '/v1/me')).status).toBe(401);
    expect((await withBearer(stack, rotated.body.key, 'GET', '/v1/me')).status).toBe(200);
  });

  test('reset-password: a new initial password, every session ended, to be changed at the next sign-in', async () => {
    const created = await admin('POST', '/v1/accounts', { role: 'street', orgId: 'yingqian', name: '营前街道值班' });
    const { id } = created.body.account;
    const first = await signIn(id, created.body.initialPassword);
    expect(first.body.mustChangePassword).toBe(true);
    const reset = await admin('POST', `/v1/accounts/${id}/reset-password`);
    expect(reset.body).toEqual({ initialPassword: expect.any(String) });
    expect(reset.body.initialPassword).not.toBe(created.body.initialPassword);
    expect((await withBearer(stack, first.body.token, 'GET', '/v1/me')).status).toBe(401);
    expect((await signIn(id, created.body.initialPassword)).status).toBe(401);
    const second = await signIn(id, reset.body.initialPassword);
    expect(second.body).toMatchObject({ mustChangePassword: true });
    expect((await auditOf(id)).map((a) => a.type)).toEqual(['account_created', 'password_reset']);
  });

  test('security unlocks a throttled account and ends sessions (admin too); the list shows `locked`', async () => {
    const created = await admin('POST', '/v1/accounts', { role: 'street', orgId: 'jinfeng', name: '金峰镇值班' });
    const { id } = created.body.account;
    const session = await signIn(id, created.body.initialPassword, '10.20.1.1');
    for (let i = 0; i < 5; i++) expect((await signIn(id, `wrong ${i}`, '10.20.1.2')).status).toBe(401);
    expect((await signIn(id, created.body.initialPassword, '10.20.1.2')).status).toBe(429);
    const state = async () => (await withBearer(stack, 'dev-security', 'GET', '/v1/accounts')).body.find((a: { id: string }) => a.id === id);
    expect(await state()).toMatchObject({ locked: true, lastSignInAt: expect.any(String) });
    expect((await admin('POST', `/v1/accounts/${id}/unlock`)).status).toBe(403);
    const unlocked = await withBearer(stack, 'dev-security', 'POST', `/v1/accounts/${id}/unlock`);
    expect(unlocked.body).toMatchObject({ id, locked: false });
    expect((await signIn(id, created.body.initialPassword, '10.20.1.2')).status).toBe(201);
    expect((await withBearer(stack, 'dev-security', 'DELETE', `/v1/accounts/${id}/sessions`)).status).toBe(204);
    expect((await withBearer(stack, session.body.token, 'GET', '/v1/me')).status).toBe(401);
    expect((await admin('DELETE', `/v1/accounts/${id}/sessions`)).status).toBe(204);
    expect((await withBearer(stack, 'dev-auditor', 'DELETE', `/v1/accounts/${id}/sessions`)).status).toBe(403);
    expect((await auditOf(id)).map((a) => a.type)).toEqual(['account_created', 'account_unlocked', 'sessions_ended', 'sessions_ended']);
  });

  test('GET /v1/accounts: center, supervisor, admin and security; not the auditor nor the units', async () => {
    for (const as of ['center', 'supervision', 'admin', 'security']) expect((await withBearer(stack, `dev-${as}`, 'GET', '/v1/accounts')).status).toBe(200);
    for (const as of ['auditor', 'wuhang', 'xiguan-member-1']) expect((await withBearer(stack, `dev-${as}`, 'GET', '/v1/accounts')).status).toBe(403);
  });
});

describe('三员分立', () => {
  test('admin, security and auditor are 403 on every whistle, help, notification and statistics endpoint; they open what runs the system', async () => {
    const closed: Array<['GET' | 'POST', string, unknown?]> = [
      ['GET', '/v1/whistles'], ['GET', '/v1/whistles/0123456789abcdef'], ['POST', '/v1/whistles', { title: 't', description: 'd', category: 'utilities' }],
      ['POST', '/v1/whistles/0123456789abcdef/accept'], ['GET', '/v1/help-requests'], ['GET', '/v1/help-requests/x1'],
      ['POST', '/v1/help-requests', { title: 't', description: 'd', communityId: 'xiguan' }], ['GET', '/v1/notifications'],
      ['GET', '/v1/stats'], ['GET', '/v1/assessments?quarter=2026-Q1'], ['GET', '/v1/dispatch-catalogue'], ['GET', '/v1/members/xiguan-member-1/record'],
    ];
    for (const as of ['admin', 'security', 'auditor']) {
      for (const [method, url, body] of closed) {
        const res = await withBearer(stack, `dev-${as}`, method, url, body);
        expect({ as, url, method, status: res.status, code: res.body.error?.code }).toEqual({ as, url, method, status: 403, code: 'forbidden' });
      }
      for (const url of ['/v1/me', '/v1/orgs', '/v1/calendar?from=2026-01-01&to=2026-01-31']) {
        expect({ as, url, status: (await withBearer(stack, `dev-${as}`, 'GET', url)).status }).toEqual({ as, url, status: 200 });
      }
    }
  });
});
