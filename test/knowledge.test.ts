/**
 * 知识库 (knowledge base): the center writes articles, the handling roles find them by Chinese
 * words (segmented, full-text search), every change audited; refusals change nothing.
 */
import { relatedArticles } from '../lib/knowledge';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
const created: string[] = [];

async function create(body: Record<string, unknown>): Promise<string> {
  const res = await stack.call('center', 'POST', '/v1/knowledge', body);
  expect(res.status).toBe(201);
  created.push(res.body.id);
  return res.body.id;
}

async function search(query: string, as = 'xiguan'): Promise<Array<{ id: string; matched?: number }>> {
  const res = await stack.call(as, 'GET', `/v1/knowledge?${query}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

const articleCount = async () => Number((await stack.pool.query('SELECT count(*) FROM knowledge_articles')).rows[0].count);
const auditOf = async (id: string) => (await stack.pool.query('SELECT type, actor, note FROM audit_log WHERE subject = $1 ORDER BY id', [id])).rows;

beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => {
  if (created.length) await stack?.pool.query('DELETE FROM knowledge_articles WHERE id = ANY ($1)', [created]);
  await stack?.stop();
});

describe('writing the knowledge base', () => {
  test('the center adds an article: 201 with its id and fields, audited as knowledge_created', async () => {
    const res = await stack.call('center', 'POST', '/v1/knowledge', {
      title: '江景花园化粪池清掏周期', body: '江景花园小区化粪池每季度清掏一次，化粪池满溢时物业当日清掏。', categories: ['environment'],
    });
    expect(res.status).toBe(201);
    created.push(res.body.id);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{16}$/), title: '江景花园化粪池清掏周期', categories: ['environment'], replyTemplate: null,
      createdBy: 'center', updatedBy: 'center',
    });
    expect(await auditOf(res.body.id)).toEqual([{ type: 'knowledge_created', actor: 'center', note: '江景花园化粪池清掏周期' }]);
    expect((await stack.call('urban', 'GET', `/v1/knowledge/${res.body.id}`)).body.id).toBe(res.body.id);
  });

  test('PUT replaces the article and its words; DELETE removes it; both audited; unknown ids are 404', async () => {
    const id = await create({ title: '旧标题：井盖松动', body: '人行道井盖松动的处理办法。', categories: ['roads'] });
    const put = await stack.call('center', 'PUT', `/v1/knowledge/${id}`, {
      title: '新标题：窨井盖缺失', body: '窨井盖缺失、破损的，先设置围挡警示。', categories: ['roads', 'public_safety'], replyTemplate: '已设置围挡。',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, title: '新标题：窨井盖缺失', categories: ['roads', 'public_safety'], replyTemplate: '已设置围挡。' });
    expect((await search('q=窨井盖')).map((a) => a.id)).toContain(id);
    expect((await search('q=松动')).map((a) => a.id)).not.toContain(id);

    const del = await stack.call('center', 'DELETE', `/v1/knowledge/${id}`);
    expect(del.status).toBe(204);
    expect((await stack.call('center', 'GET', `/v1/knowledge/${id}`)).status).toBe(404);
    expect((await search('q=窨井盖')).map((a) => a.id)).not.toContain(id);
    expect((await auditOf(id)).map((e) => e.type)).toEqual(['knowledge_created', 'knowledge_updated', 'knowledge_deleted']);

    const again = await stack.call('center', 'DELETE', `/v1/knowledge/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.messageZh).toBeTruthy();
    const putMissing = await stack.call('center', 'PUT', `/v1/knowledge/${id}`, { title: '标题', body: '正文', categories: [] });
    expect(putMissing.status).toBe(404);
    expect(await auditOf(id)).toHaveLength(3);
  });
});

describe('finding articles by words', () => {
  let septic: string;
  let lampBroken: string;
  let lampBoth: string;
  beforeAll(async () => {
    septic = await create({ title: '东方花园排污设施说明', body: '东方花园小区的化粪池满溢时，由物业联系吸粪车清掏并消杀。', categories: ['property'] });
    lampBroken = await create({ title: '滨江路路灯损坏的报修', body: '滨江路的灯杆由路灯所维护，损坏后三日内修复。', categories: ['roads'] });
    lampBoth = await create({ title: '宝船小区路灯不亮的说明', body: '宝船小区内庭院路灯不亮时由物业维修。', categories: ['property'] });
  });

  test('a search for 化粪池 finds an article whose body speaks of 化粪池满溢', async () => {
    const items = await search(`q=${encodeURIComponent('化粪池')}`);
    expect(items.map((a) => a.id)).toContain(septic);
  });

  test('a search for 路灯不亮 finds 路灯损坏 (a shared word), and an article with both words ranks above it', async () => {
    const items = await search(`q=${encodeURIComponent('路灯不亮')}`, 'wuhang');
    const ids = items.map((a) => a.id);
    expect(ids).toContain(lampBroken);
    expect(ids.indexOf(lampBoth)).toBeLessThan(ids.indexOf(lampBroken));
    expect(items.find((a) => a.id === lampBoth)?.matched).toBe(2);
    expect(items.find((a) => a.id === lampBroken)?.matched).toBe(1);
    // Best first: the number of words matched never rises down the list.
    const matched = items.map((a) => a.matched ?? 0);
    expect([...matched].sort((a, b) => b - a)).toEqual(matched);
  });

  test('category narrows the search and the list; without q the newest change comes first', async () => {
    const roads = await search(`q=${encodeURIComponent('路灯')}&category=roads`, 'urban');
    expect(roads.map((a) => a.id)).toContain(lampBroken);
    expect(roads.map((a) => a.id)).not.toContain(lampBoth);
    const latest = await search('category=property', 'supervision');
    expect(latest[0].id).toBe(lampBoth);
    expect(latest.every((a) => a.matched === undefined)).toBe(true);
  });

  test('a search of punctuation (or function words) alone finds nothing: 200 with an empty list', async () => {
    expect(await search(`q=${encodeURIComponent('，。！？……')}`)).toEqual([]);
    expect(await search(`q=${encodeURIComponent('的了吗')}`)).toEqual([]);
  });

  test('relatedArticles: the category\'s articles and those sharing words with the matter, at most five', async () => {
    const related = await relatedArticles(stack.pool, 'property', '宝船小区路灯不亮，晚上一片漆黑');
    expect(related.length).toBeLessThanOrEqual(5);
    expect(related[0]).toEqual({ id: lampBoth, title: '宝船小区路灯不亮的说明' });
    const none = await relatedArticles(stack.pool, 'property', '');
    expect(none.map((a) => a.id)).toContain(septic);
  });
});

describe('who may do what, and bad input', () => {
  test('members, residents and other roles than the center may not write; only handling roles read (403, nothing changed)', async () => {
    const before = await articleCount();
    for (const as of ['wuhang', 'xiguan', 'urban', 'supervision']) {
      expect((await stack.call(as, 'POST', '/v1/knowledge', { title: '标题', body: '正文', categories: [] })).status).toBe(403);
    }
    const [some] = await search('');
    expect((await stack.call('wuhang', 'PUT', `/v1/knowledge/${some.id}`, { title: '改', body: '改', categories: [] })).status).toBe(403);
    expect((await stack.call('urban', 'DELETE', `/v1/knowledge/${some.id}`)).status).toBe(403);
    for (const as of ['xiguan-member-1', 'xiguan-resident-1']) {
      expect((await stack.call(as, 'GET', '/v1/knowledge?q=路灯')).status).toBe(403);
    }
    expect((await stack.call(null, 'GET', '/v1/knowledge')).status).toBe(401);
    expect(await articleCount()).toBe(before);
  });

  test.each([
    ['an unknown category', { title: '标题', body: '正文', categories: ['weather'] }],
    ['a blank title', { title: '   ', body: '正文', categories: [] }],
    ['no body', { title: '标题', categories: [] }],
    ['an unknown field', { title: '标题', body: '正文', categories: [], author: 'x' }],
    ['a body of 50,001 characters', { title: '标题', body: '长'.repeat(50_001), categories: [] }],
  ])('%s is 400 with messageZh, and nothing is stored', async (_what, body) => {
    const before = await articleCount();
    const res = await stack.call('center', 'POST', '/v1/knowledge', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', messageZh: expect.any(String) });
    expect(await articleCount()).toBe(before);
  });

  test('200 KB of text is refused cleanly (400 or 413) and a body of 50,000 characters is taken', async () => {
    const before = await articleCount();
    const huge = await stack.call('center', 'POST', '/v1/knowledge', { title: '超长', body: '文'.repeat(200 * 1024), categories: [] });
    expect([400, 413]).toContain(huge.status);
    expect(huge.body.error.code).toMatch(/validation_failed|payload_too_large/);
    expect(await articleCount()).toBe(before);
    const long = await create({ title: '最长的正文', body: '规定'.repeat(25_000), categories: ['other'] });
    expect((await search(`q=${encodeURIComponent('规定')}&category=other`)).map((a) => a.id)).toContain(long);
  });

  test('a bad query is 400 with messageZh', async () => {
    const res = await stack.call('center', 'GET', '/v1/knowledge?category=weather');
    expect(res.status).toBe(400);
    expect(res.body.error.messageZh).toBeTruthy();
    expect((await stack.call('center', 'GET', '/v1/knowledge?limit=0')).status).toBe(400);
  });
});
