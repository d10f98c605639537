import { startStack, type Stack } from './support/stack';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack.stop(); });

describe('service endpoints', () => {
  test('healthz answers 200 while the process runs', async () => {
    const res = await stack.call(null, 'GET', '/healthz');
    expect(res.status).toBe(200);
  });

  test('readyz is 200 when PostgreSQL and Temporal answer', async () => {
    const res = await stack.call(null, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ postgres: 'ok', temporal: 'ok' });
  });

  test('openapi.json is an OpenAPI 3 document listing the whistle routes with bearer auth', async () => {
    const res = await stack.call(null, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/whistles', '/v1/whistles/{id}', '/v1/whistles/{id}/triage']));
    expect(res.body.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('docs serves a browsable page', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  test('categories have English ids and Chinese names, without authentication', async () => {
    const res = await stack.call(null, 'GET', '/v1/categories');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.arrayContaining([{ id: 'environment', name: '环境卫生' }]));
    for (const c of res.body) expect(c.name).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('accounts and organisations', () => {
  test('a request without a key is 401 in the contract error shape', async () => {
    const res = await stack.call(null, 'GET', '/v1/orgs');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
  });

  test('an unknown key is 401', async () => {
    const res = await stack.call('nobody', 'GET', '/v1/orgs');
    expect(res.status).toBe(401);
  });

  test('the seeded Changle tree has the center, supervision, streets, communities with compounds and departments', async () => {
    const res = await stack.call('xiguan', 'GET', '/v1/orgs');
    expect(res.status).toBe(200);
    const orgs = res.body as Array<{ id: string; kind: string; name: string; parentId: string | null }>;
    const count = (kind: string) => orgs.filter((o) => o.kind === kind).length;
    expect(orgs.find((o) => o.id === 'center')?.kind).toBe('center');
    expect(orgs.find((o) => o.id === 'supervision')?.kind).toBe('supervision');
    expect(count('street')).toBeGreaterThanOrEqual(4);
    expect(count('community')).toBeGreaterThanOrEqual(8);
    expect(count('department')).toBeGreaterThanOrEqual(6);
    expect(orgs.find((o) => o.name === '西关社区')?.kind).toBe('community');
    for (const c of orgs.filter((o) => o.kind === 'community')) {
      expect(orgs.some((o) => o.kind === 'compound' && o.parentId === c.id)).toBe(true);
    }
  });

  test('accounts are listed for the center and supervisors, never with keys, and forbidden to others', async () => {
    const res = await stack.call('center', 'GET', '/v1/accounts');
    expect(res.status).toBe(200);
    const accounts = res.body as Array<Record<string, string>>;
    expect(accounts.find((a) => a.id === 'supervision')).toMatchObject({ role: 'supervisor', orgId: 'supervision' });
    expect(accounts.find((a) => a.id === 'xiguan-jiangjing')).toMatchObject({ role: 'community' });
    expect(accounts.filter((a) => a.orgId === 'xiguan' && a.role === 'member').length).toBeGreaterThanOrEqual(2);
    expect(accounts.filter((a) => a.orgId === 'xiguan' && a.role === 'resident').length).toBeGreaterThanOrEqual(2);
    for (const a of accounts) {
      expect(Object.keys(a).sort()).toEqual(['disabled', 'hasPassword', 'id', 'lastSignInAt', 'locked', 'mustChangePassword', 'name', 'orgId', 'role']);
    }
    expect((await stack.call('supervision', 'GET', '/v1/accounts')).status).toBe(200);
    expect((await stack.call('xiguan', 'GET', '/v1/accounts')).status).toBe(403);
  });

  test('keys are stored hashed: no account row holds its key', async () => {
    const { rows } = await stack.pool.query("SELECT key_hash FROM accounts WHERE id = 'center'");
    expect(rows[0].key_hash).not.toContain('dev-center');
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('errors', () => {
  test('an unknown route is 404 not_found', async () => {
    const res = await stack.call('center', 'GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  test('malformed JSON is 400 validation_failed, not 500', async () => {
    const res = await stack.call('xiguan', 'POST', '/v1/whistles', '{"title": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  test('a body over the limit is 413 payload_too_large', async () => {
    const res = await stack.call('xiguan', 'POST', '/v1/whistles', { title: 'x', description: 'y'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('every response carries a request id', async () => {
    const res = await stack.call(null, 'GET', '/healthz');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});
