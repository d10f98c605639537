/**
 * 智能分派: suggestions of category, departments and list from a matter's text, from the shipped
 * lexicon and the district's own history, following the catalogue as the center changes it; the
 * suggestion made at filing compared in /v1/stats with what was finally chosen.
 */
import { Client as PgClient } from 'pg';
import { createPool, migrate } from '../lib/db';
import { seedIfEmpty } from '../lib/seed';
import { Suggester } from '../lib/suggest/suggester';
import { TEST_PEPPER } from './support/constants';
import type { Json } from './support/json';
import { eventually, filing, startStack, type Stack } from './support/stack';

let stack: Stack;
const LISTS = ['immediate', 'phased', 'understanding'];
const HISTORY = 'suggest-hist-';
const STATS = 'suggest-stats-';

const suggest = (as: string, body: unknown) => stack.call(as, 'POST', '/v1/suggest', body);
const modelCount = async () => Number((await stack.pool.query('SELECT count(*) FROM suggestion_models')).rows[0].count);

function expectWellFormed(body: Json) {
  for (const part of [body.categories, body.departments]) {
    expect(part).toHaveLength(3);
    for (const s of part) expect(s.score >= 0 && s.score <= 1).toBe(true);
    expect(part.map((s: Json) => s.score)).toEqual([...part.map((s: Json) => s.score)].sort((a: number, b: number) => b - a));
  }
  expect(LISTS).toContain(body.list);
}

/** Whistles in the read model as if filed, resolved and dispatched long ago. */
async function history(prefix: string, n: number, w: { title: string; description: string; category: string; lead: string; list: string; at: string }) {
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${i}`;
    await stack.pool.query(
      `INSERT INTO whistles (id, version, status, list, category, filer_org_id, community_id, street_id, filed_at, resolved_at, view)
       VALUES ($1, 1, 'closed', $2, $3, 'xiguan', 'xiguan', 'wuhang', $4, $4, $5)`,
      [id, w.list, w.category, w.at, JSON.stringify({ title: w.title, description: `${w.description}（第${i + 1}次）` })]);
    await stack.pool.query(
      `INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, data) VALUES ($1, 1, $2, 'triaged', 'center', 'center', $3)`,
      [id, w.at, JSON.stringify({ list: w.list, departmentIds: [w.lead], lead: w.lead })]);
  }
}

beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => {
  for (const prefix of [HISTORY, STATS]) {
    await stack?.pool.query('DELETE FROM whistle_events WHERE whistle_id LIKE $1', [`${prefix}%`]);
    await stack?.pool.query('DELETE FROM suggestions_made WHERE whistle_id LIKE $1', [`${prefix}%`]);
    await stack?.pool.query('DELETE FROM whistles WHERE id LIKE $1', [`${prefix}%`]);
  }
  await stack?.stop();
});

describe('a suggestion from the text', () => {
  test('three categories, three departments and a list, best first, scores in 0..1', async () => {
    const res = await suggest('xiguan', { title: '小区路灯不亮', description: '江景花园3号楼前的路灯坏了半个月，晚上一片漆黑，老人出门很危险。' });
    expect(res.status).toBe(200);
    expectWellFormed(res.body);
    expect(res.body.categories[0].id).toBe('roads');
    expect(res.body.modelVersion).toEqual(expect.any(Number));
  });

  test('the street and the center may ask; a 5,000-character text is fine', async () => {
    const long = '楼上装修噪音扰民，每天早上七点就开始电钻。'.repeat(250).slice(0, 5000);
    const res = await suggest('wuhang', { title: '', description: long });
    expect(res.status).toBe(200);
    expect(res.body.categories[0].id).toBe('noise');
    expect((await suggest('center', { title: '化粪池满溢', description: '' })).status).toBe(200);
  });

  test('departments, supervisors, members and residents may not ask (403); refusals train nothing', async () => {
    const before = await modelCount();
    for (const as of ['urban', 'supervision', 'xiguan-member-1', 'xiguan-resident-1']) {
      const res = await suggest(as, { title: '路灯不亮', description: '路灯坏了' });
      expect([as, res.status]).toEqual([as, 403]);
    }
    expect((await stack.call(null, 'POST', '/v1/suggest', { title: 'a', description: 'b' })).status).toBe(401);
    expect(await modelCount()).toBe(before);
  });

  test.each([
    ['an empty text', { title: '', description: '' }],
    ['blank and punctuation only', { title: '  ', description: '，。！？……' }],
    ['no description field', { title: '路灯不亮' }],
    ['a description over 5,000 characters', { title: '', description: '路'.repeat(5001) }],
    ['an unknown field', { title: '路灯', description: '不亮', category: 'roads' }],
  ])('%s is 400 with messageZh', async (_what, body) => {
    const res = await suggest('xiguan', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', messageZh: expect.any(String) });
  });
});

describe('learning and following the center', () => {
  const drone = { title: '无人机低空盘旋', description: '有人每天傍晚在楼顶放无人机，嗡嗡声不断，还对着窗户拍摄。' };

  test('a retraining learns from the district\'s history (resolutions and final dispatches); every process answers with it; audited', async () => {
    const before = (await suggest('center', drone)).body;
    await history(HISTORY, 30, { ...drone, category: 'public_safety', lead: 'market', list: 'phased', at: '2026-06-01T10:00:00+08:00' });
    const other = new Suggester(stack.pool); // another API process
    await other.suggest('x', '路灯');

    const retrained = await stack.call('center', 'POST', '/v1/suggest/retrain');
    expect(retrained.status).toBe(200);
    expect(retrained.body.version).toBeGreaterThan(before.modelVersion);
    expect(retrained.body.documents.dispatches).toBeGreaterThanOrEqual(30);
    const after = (await suggest('xiguan', drone)).body;
    expect(after.modelVersion).toBe(retrained.body.version);
    expect(after.categories[0].id).toBe('public_safety');
    expect(after.departments[0].id).toBe('market');
    expect(before.departments[0].id).not.toBe('market');
    expect((await other.suggest(drone.title, drone.description)).version).toBe(retrained.body.version);
    const audit = await stack.pool.query("SELECT actor FROM audit_log WHERE type = 'suggestions_retrained' AND subject = $1", [`v${retrained.body.version}`]);
    expect(audit.rows).toEqual([{ actor: 'center' }]);
    expect((await stack.call('wuhang', 'POST', '/v1/suggest/retrain')).status).toBe(403);
  });

  test('a change of the dispatch catalogue shows in the next suggestion, without retraining', async () => {
    const text = { title: '枯树随时会倒', description: '小区绿化带里的大树枯死了，树枝一直往下掉，需要修剪砍伐。' };
    const before = (await suggest('wuhang', text)).body;
    expect(before.categories[0].id).toBe('greening');
    const original = (await stack.call('center', 'GET', '/v1/dispatch-catalogue')).body.find((e: Json) => e.category === 'greening');
    expect((await stack.call('center', 'PUT', '/v1/dispatch-catalogue/greening', { list: 'phased', departmentIds: ['planning'] })).status).toBe(200);
    try {
      const after = (await suggest('wuhang', text)).body;
      expect(after.modelVersion).toBe(before.modelVersion);
      expect(after.departments[0].id).toBe('planning');
      expect(after.list).toBe('phased');
    } finally {
      await stack.call('center', 'PUT', '/v1/dispatch-catalogue/greening',
        { list: original.list, departmentIds: original.departmentIds, leadDepartmentId: original.leadDepartmentId });
    }
  });
});

describe('how often the first suggestion was the final choice (/v1/stats)', () => {
  test('a filing records the suggestion made for its text by the active model', async () => {
    const body = filing({ title: '楼道里有很浓的燃气味', description: '一进单元门就闻到燃气味，担心漏气爆炸。', category: 'utilities' });
    const asked = (await suggest('xiguan', { title: body.title, description: body.description })).body;
    const filed = await stack.call('xiguan', 'POST', '/v1/whistles', body);
    expect(filed.status).toBe(201);
    const made = await eventually(async () => (await stack.pool.query('SELECT * FROM suggestions_made WHERE whistle_id = $1', [filed.body.id])).rows[0]);
    expect(made).toMatchObject({
      model_version: String(asked.modelVersion), list: asked.list,
      categories: asked.categories.map((c: Json) => c.id), departments: asked.departments.map((d: Json) => d.id),
    });
  });

  test('the rates count the whistles of the range with a suggestion on record, departments against the final dispatch', async () => {
    const rows: Array<[string, string, string[], string[], string | null]> = [
      // id, category filed, suggested categories, suggested departments, lead of the final dispatch
      ['a', 'roads', ['roads', 'utilities', 'public_safety'], ['urban', 'transport', 'police'], 'urban'],
      ['b', 'utilities', ['roads', 'utilities', 'environment'], ['urban', 'water', 'housing'], 'water'],
      ['c', 'noise', ['noise', 'disputes', 'other'], ['environment', 'police', 'urban'], null],
      ['d', 'parking', ['parking', 'roads', 'public_safety'], ['transport', 'police', 'urban'], 'transport'],
    ];
    for (const [key, category, cats, deps, lead] of rows) {
      const id = `${STATS}${key}`;
      await stack.pool.query(
        `INSERT INTO whistles (id, version, status, category, filer_org_id, community_id, street_id, filed_at, view)
         VALUES ($1, 1, 'dispatched', $2, 'xiguan', 'xiguan', 'wuhang', '2023-03-15T10:00:00+08:00', '{}')`, [id, category]);
      await stack.pool.query('INSERT INTO suggestions_made (whistle_id, model_version, categories, departments, list) VALUES ($1, 1, $2, $3, $4)',
        [id, cats, deps, 'immediate']);
      if (lead) {
        // An earlier dispatch to another department, then the final one.
        await stack.pool.query(`INSERT INTO whistle_events (whistle_id, seq, at, type, actor, data) VALUES
          ($1, 1, '2023-03-15T11:00:00+08:00', 'triaged', 'center', '{"lead":"civil","departmentIds":["civil"],"list":"phased"}'),
          ($1, 2, '2023-03-16T11:00:00+08:00', 'triaged', 'center', $2)`,
        [id, JSON.stringify({ lead, departmentIds: [lead], list: 'immediate' })]);
      }
    }
    const res = await stack.call('supervision', 'GET', '/v1/stats?from=2023-03-01&to=2023-03-31');
    expect(res.status).toBe(200);
    expect(res.body.suggestion).toEqual({ categoryTop1Rate: 0.75, departmentTop1Rate: 0.6667 });
    const none = await stack.call('center', 'GET', '/v1/stats?from=2023-04-01&to=2023-04-30');
    expect(none.body.suggestion).toEqual({ categoryTop1Rate: null, departmentTop1Rate: null });
  });
});

describe('a district without a model yet', () => {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `whistle_suggest_first_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  afterAll(async () => {
    const admin = new PgClient({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  test('a filing records nothing and waits for no training; twenty first suggestions at once on three connections train one model', async () => {
    await migrate(url.toString());
    const pool = createPool(url.toString(), 3);
    try {
      await seedIfEmpty(pool, TEST_PEPPER);
      const filingSide = new Suggester(pool);
      await filingSide.recordFiled({ id: 'first-filing', title: '路灯不亮', description: '路灯坏了' });
      expect((await pool.query('SELECT count(*)::int AS n FROM suggestions_made')).rows[0].n).toBe(0);

      const processes = [new Suggester(pool), new Suggester(pool)];
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => processes[i % 2].suggest('楼上装修噪音扰民', '每天早上七点就开始电钻')));
      const versions = await pool.query('SELECT version FROM suggestion_models');
      expect(versions.rows).toHaveLength(1);
      expect(new Set(answers.map((a) => a.version))).toEqual(new Set([Number(versions.rows[0].version)]));
      expect(answers.every((a) => a.categories[0].id === 'noise')).toBe(true);
    } finally {
      await pool.end();
    }
  }, 60_000);
});
