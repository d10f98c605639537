/**
 * Hardening, each measure tested: per-account rate limits (429 in the contract's shape), body
 * limits (413), security headers (helmet), API keys stored as HMAC and looked up by hash, CORS
 * closed by default, text that cannot be stored refused at the door (and, should it get in
 * anyway, unable to stop the read model), URLs and cursors that do not decode answered 400.
 */
import { createHash, createHmac } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import Fastify from 'fastify';
import { DatabaseError } from 'pg';
import { installErrorHandlers } from '../api/errors';
import { Directory } from '../api/services/directory';
import { whistleIdFor } from '../api/services/whistles';
import { hashKey } from '../lib/keys';
import { escalateSignal } from '../workflows/messages';
import { checkWhistle, currentProjection } from '../scripts/reconcile';
import { projectWhistle } from '../lib/read-model/whistles';
import { TEST_PEPPER } from './support/constants';
import { eventually, filing, startStack, type Stack } from './support/stack';
import { fileWhistle } from './support/whistles';

const CONTRACT_ERROR = { error: { code: expect.any(String), message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } };

let stack: Stack;
beforeAll(async () => { stack = await startStack(); }, 60_000);
afterAll(async () => { await stack?.stop(); });

describe('rate limits', () => {
  let limited: Stack;
  beforeAll(async () => { limited = await startStack({ noWorker: true, env: { RATE_LIMIT_PER_MINUTE: '5' } }); });
  afterAll(async () => { await limited?.stop(); });

  test('an account over its limit gets 429 rate_limited in the contract shape; another account is not affected', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await limited.call('xiguan', 'GET', '/v1/orgs'));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const over = answers[5];
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
    expect(Object.keys(over.body.error).sort()).toEqual(['code', 'message', 'messageZh']);
    expect(over.headers['retry-after']).toBeDefined();
    expect(over.headers['x-content-type-options']).toBe('nosniff');
    // Another account has its own budget.
    expect((await limited.call('qinjiang', 'GET', '/v1/orgs')).status).toBe(200);
  });

  test('requests without a key are limited per address, in the same shape', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await limited.call(null, 'GET', '/v1/categories'));
    const over = answers.find((a) => a.status === 429);
    expect(over?.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
  });
});

describe('body limit', () => {
  test('a body over the limit is 413 payload_too_large; one just under it is read', async () => {
    const limit = stack.config.bodyLimit;
    const big = await stack.call('xiguan', 'POST', '/v1/whistles', JSON.stringify({ ...filing(), description: 'x'.repeat(limit) }));
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
    const under = JSON.stringify({ ...filing(), description: 'x'.repeat(limit - 400) });
    expect(Buffer.byteLength(under)).toBeLessThan(limit);
    const read = await stack.call('xiguan', 'POST', '/v1/whistles', under);
    expect(read.status).toBe(400); // read and validated: the description is over 5000 characters
    expect(read.body.error.code).toBe('validation_failed');
  });
});

describe('security headers', () => {
  const expectHelmet = (headers: Record<string, unknown>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(headers['strict-transport-security'])).toMatch(/max-age=\d+/);
    expect(String(headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-dns-prefetch-control']).toBe('off');
    expect(headers['x-powered-by']).toBeUndefined();
  };

  test('on answers, on errors and on the public board page', async () => {
    expectHelmet((await stack.call('center', 'GET', '/v1/orgs')).headers);
    expectHelmet((await stack.call(null, 'GET', '/v1/orgs')).headers); // 401
    expectHelmet((await stack.call('center', 'GET', '/v1/nothing-here')).headers); // 404
    expectHelmet((await stack.call('center', 'GET', '/v1/whistles/nope')).headers); // 404 not_found
    const board = await stack.app.inject({ method: 'GET', url: '/board/xiguan' });
    expect(board.statusCode).toBe(200);
    expectHelmet(board.headers);
  });
});

describe('API keys', () => {
  test('are stored as HMAC-SHA256 with the pepper, not as the key or its plain hash', async () => {
    const { rows } = await stack.pool.query('SELECT key_hash FROM accounts WHERE id = $1', ['xiguan']);
    const stored = rows[0].key_hash as string;
    expect(stored).toBe(createHmac('sha256', TEST_PEPPER).update('dev-xiguan').digest('hex'));
    expect(stored).not.toBe(createHash('sha256').update('dev-xiguan').digest('hex'));
    expect(hashKey('another-pepper', 'dev-xiguan')).not.toBe(stored);
    const anywhere = await stack.pool.query("SELECT count(*)::int AS n FROM accounts WHERE row_to_json(accounts)::text LIKE '%dev-%'");
    expect(anywhere.rows[0].n).toBe(0);
  });

  test('are looked up by their hash: the key itself never reaches SQL or a comparison in code', async () => {
    const queries: Array<{ text: string; values: unknown[] }> = [];
    const pool = { query: async (text: string, values: unknown[]) => { queries.push({ text, values }); return { rows: [] }; } };
    const directory = new Directory(pool as never, TEST_PEPPER);
    expect(await directory.authenticate('wk_guess-1')).toBeNull();
    expect(queries).toHaveLength(1);
    expect(queries[0].text).toMatch(/WHERE key_hash = \$1/);
    expect(queries[0].values).toEqual([hashKey(TEST_PEPPER, 'wk_guess-1')]);
    expect(JSON.stringify(queries)).not.toContain('wk_guess-1');
  });
});

describe('CORS', () => {
  test('is closed by default: no Access-Control-Allow-Origin for a foreign origin, simple or preflight', async () => {
    const simple = await stack.call('center', 'GET', '/v1/orgs', undefined, { origin: 'https://evil.example' });
    expect(simple.status).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await stack.app.inject({
      method: 'OPTIONS', url: '/v1/whistles',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.statusCode).toBeLessThan(500);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  test('opens only to the origins configured in CORS_ORIGINS', async () => {
    const open = await startStack({ noWorker: true, env: { CORS_ORIGINS: 'https://board.changle.example' } });
    try {
      const allowed = await open.call('center', 'GET', '/v1/orgs', undefined, { origin: 'https://board.changle.example' });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://board.changle.example');
      const foreign = await open.call('center', 'GET', '/v1/orgs', undefined, { origin: 'https://evil.example' });
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.stop();
    }
  });
});

describe('text that cannot be stored', () => {
  test.each([
    ['a NUL character', '西关\u0000社区'],
    ['a lone high surrogate', '下水道\ud800堵塞'],
    ['a lone low surrogate', '\udc00下水道'],
  ])('a filing with %s is refused with 400 and starts no whistle', async (_what, text) => {
    const key = `unstorable-${Math.random().toString(36).slice(2)}`;
    for (const body of [filing({ title: text }), filing({ location: { address: text } }), filing({ reporter: { name: text, phone: '13800000000' } })]) {
      const res = await stack.call('xiguan', 'POST', '/v1/whistles', body, { 'idempotency-key': key });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'validation_failed', message: expect.stringContaining('Unicode'), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
    }
    await expect(stack.client.workflow.getHandle(`whistle-${whistleIdFor('xiguan', key)}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('in an action, a query string or a help request it is refused the same way', async () => {
    const w = await fileWhistle(stack);
    const action = await stack.call('wuhang', 'POST', `/v1/whistles/${w.id}/escalate`, { reason: 'x\u0000' });
    expect(action.status).toBe(400);
    const query = await stack.call('center', 'GET', '/v1/whistles?communityId=%00');
    expect(query.status).toBe(400);
    const help = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', { title: '陪同\ud800就医', description: '需要陪同', communityId: 'xiguan' });
    expect(help.status).toBe(400);
    for (const r of [action, query, help]) expect(r.body).toEqual(CONTRACT_ERROR);
  });

  test('if it reaches a whistle anyway (an operator\'s escalate signal), the read model still follows, with U+FFFD in its place', async () => {
    const w = await fileWhistle(stack);
    await stack.client.workflow.getHandle(`whistle-${w.id}`).signal(escalateSignal, { by: 'supervision', reason: '越级\u0000上报\ud800' });
    const row = await eventually(async () => {
      const { rows } = await stack.pool.query('SELECT status, view FROM whistles WHERE id = $1', [w.id]);
      return rows[0]?.status === 'escalated' && rows[0];
    }, 15_000, 'the escalation in the read model');
    expect(row.view.status).toBe('escalated');
    const { rows: entries } = await stack.pool.query('SELECT type, note FROM whistle_events WHERE whistle_id = $1 ORDER BY seq DESC LIMIT 1', [w.id]);
    expect(entries[0]).toEqual({ type: 'escalated', note: '越级\ufffd上报\ufffd' });
    expect(await checkWhistle(stack.client, stack.pool, w.id)).toEqual([]);
  });
});

describe('URLs and cursors that do not decode', () => {
  test('a broken percent-encoding or an overlong path parameter is 400 in the contract shape, not Fastify\'s own', async () => {
    for (const url of ['/v1/whistles/%E0%A4%A', '/v1/whistles/%', `/v1/whistles/${'a'.repeat(150)}/accept`]) {
      const res = await stack.call('center', url.endsWith('accept') ? 'POST' : 'GET', url);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'validation_failed', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
    }
  });

  test('a forged list cursor is 400, whatever date or id it carries', async () => {
    const forged = [['1', 'abc'], ['-271821-04-20T00:00:00Z', 'abc'], ['2026-01-01T00:00:00.000Z', "x'\u0000"], ['Jan 1 2026', 'abc']];
    for (const value of forged) {
      const cursor = Buffer.from(JSON.stringify(value)).toString('base64url');
      const res = await stack.call('center', 'GET', `/v1/whistles?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  test('a forged help-board cursor is 400 too (it reached SQL and answered 500 once)', async () => {
    const cursor = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', "x'\u0000"])).toString('base64url');
    const res = await stack.call('center', 'GET', `/v1/help-requests?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(CONTRACT_ERROR);
  });

  test('whatever value PostgreSQL refuses (SQLSTATE class 22) is answered 400 validation_failed, never 500', async () => {
    const app = Fastify();
    installErrorHandlers(app);
    app.get('/refused/:code', async (request) => {
      const code = (request.params as { code: string }).code;
      throw Object.assign(new DatabaseError('PostgreSQL refused a value', 0, 'error'), { code });
    });
    try {
      for (const code of ['22021', '22P05', '22007', '22008', '22P02']) {
        const res = await app.inject({ method: 'GET', url: `/refused/${code}` });
        expect(res.statusCode).toBe(400);
        expect(JSON.parse(res.body)).toEqual({ error: { code: 'validation_failed', message: expect.any(String), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) } });
      }
      // Other database errors stay what they are (here: a fault of the service, 500 internal).
      expect((await app.inject({ method: 'GET', url: '/refused/42P01' })).statusCode).toBe(500);
    } finally {
      await app.close();
    }
  });
});

describe('connection loss inside the projection', () => {
  test('the projection is one statement: a connection lost under it fails the attempt, nothing is half-written, and the retry writes it all', async () => {
    const w = await fileWhistle(stack);
    const projection = await currentProjection(stack.client, w.id);
    const statements: string[] = [];
    let failNext = true;
    // A pool whose connection dies under the projecting statement, once (pg rejects the query).
    const pool = {
      query: async (text: string, values?: unknown[]) => {
        statements.push(text);
        if (failNext && /whistle_project/.test(text)) {
          failNext = false;
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        return stack.pool.query(text, values);
      },
      connect: async () => { throw new Error('the projection checks out no connection of its own'); },
    };
    await stack.pool.query('DELETE FROM whistle_events WHERE whistle_id = $1', [w.id]);
    await stack.pool.query('DELETE FROM whistles WHERE id = $1', [w.id]);
    await expect(projectWhistle(pool as never, projection)).rejects.toThrow('ECONNRESET');
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM whistles WHERE id = $1', [w.id])).rows[0].n).toBe(0);
    await projectWhistle(pool as never, projection);
    expect(statements.filter((q) => /whistle_project/.test(q))).toHaveLength(2);
    const { rows } = await stack.pool.query('SELECT version FROM whistles WHERE id = $1', [w.id]);
    expect(rows[0].version).toBe(projection.version);
    const events = await stack.pool.query('SELECT count(*)::int AS n FROM whistle_events WHERE whistle_id = $1', [w.id]);
    expect(events.rows[0].n).toBe(projection.events.length);
  });
});
