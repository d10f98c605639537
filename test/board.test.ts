/**
 * 公示栏: a community's resolved and closed whistles, public, as JSON and as a Chinese page
 * that a real browser renders (and prints). Masking holds everywhere: 李大爷 → 李*, no phone.
 */
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderBoardPage } from '../api/board-page';
import { filing, startStack, type Stack, quietPolicy } from './support/stack';

const PHONE = '13800000000';
let stack: Stack;
let baseUrl: string;
let browser: Browser;

async function ok(as: string, method: 'POST' | 'GET', url: string, body?: unknown) {
  const res = await stack.call(as, method, url, body);
  if (res.status >= 300) throw new Error(`${as} ${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Files as `community`; the street (its parent) accepts and resolves. */
async function resolvedByStreet(community: string, street: string, body: Record<string, unknown>, result: string) {
  const w = await ok(community, 'POST', '/v1/whistles', filing(body));
  await ok(street, 'POST', `/v1/whistles/${w.id}/accept`);
  await ok(street, 'POST', `/v1/whistles/${w.id}/resolve`, { result });
  return w.id as string;
}

/** Files as `community`; the street escalates, the center dispatches, the departments report and the lead resolves. */
async function resolvedByDepartments(community: string, street: string, body: Record<string, unknown>,
  triage: { list: string; departmentIds: string[]; leadDepartmentId?: string }, result: string, outcome?: string) {
  const w = await ok(community, 'POST', '/v1/whistles', filing(body));
  await ok(street, 'POST', `/v1/whistles/${w.id}/escalate`, { reason: '超出街道职权，上报区中心' });
  await ok('center', 'POST', `/v1/whistles/${w.id}/triage`, triage);
  for (const d of triage.departmentIds) await ok(d, 'POST', `/v1/whistles/${w.id}/accept`);
  await ok(triage.leadDepartmentId ?? triage.departmentIds[0], 'POST', `/v1/whistles/${w.id}/resolve`, { result, ...(outcome ? { outcome } : {}) });
  return w.id as string;
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy(900) });
  // 长安社区 (营前街道): four matters handled in different ways, one still open.
  ids.lights = await resolvedByStreet('changan', 'yingqian', {
    title: '航景路夜间路灯不亮', description: '航景路北段路灯连续一周不亮，老人夜间出行不便。', category: 'roads',
    reporter: { name: '陈先生', phone: '13900000001' },
  }, '街道已联系路灯管护单位，更换灯具12盏，已恢复照明。');
  await ok('changan', 'POST', `/v1/whistles/${ids.lights}/evaluate`, { rating: 'basically_satisfied', comment: '修好了，希望以后巡查勤一些' });
  ids.elevator = await resolvedByDepartments('changan', 'yingqian', {
    title: '航景小区5号楼电梯频繁故障', description: '电梯一月内停运三次，曾有老人被困。', category: 'property',
    location: { compoundId: 'changan-hangjing', address: '航景小区5号楼' }, reporter: { name: '王阿姨', phone: '13900000002' },
  }, { list: 'immediate', departmentIds: ['market', 'housing'], leadDepartmentId: 'market' },
  '区市场监督管理局督促维保单位更换曳引钢丝绳并全面检修，电梯已恢复运行。');
  await ok('changan', 'POST', `/v1/whistles/${ids.elevator}/evaluate`, { rating: 'satisfied' });
  ids.lift = await resolvedByDepartments('changan', 'yingqian', {
    title: '老旧小区加装电梯资金缺口', description: '居民希望加装电梯，但筹资不足。', category: 'housing',
  }, { list: 'understanding', departmentIds: ['housing'] },
  '加装电梯补助按年度计划分批安排，本小区已列入明年申报名单，请居民谅解。', 'explained');
  await ok('changan', 'POST', `/v1/whistles/${ids.lift}/evaluate`, { rating: 'basically_satisfied' });
  ids.market = await resolvedByDepartments('changan', 'yingqian', {
    title: '长安菜市场周边占道经营', description: '早市摊贩占用人行道和车道，交通拥堵。', category: 'environment',
    reporter: { name: '林女士', phone: '13900000003' },
  }, { list: 'phased', departmentIds: ['urban', 'transport'], leadDepartmentId: 'urban' },
  '城管部门划定临时疏导点，早市时段安排专人值守，交通秩序明显好转。');
  ids.open = (await ok('changan', 'POST', '/v1/whistles', filing({ title: '尚在办理的事项' }))).id;

  // 模范社区: a title that is HTML, and the reporter whose phone must never show.
  ids.script = await resolvedByStreet('mofan', 'yingqian', {
    title: '<script>alert("x")</script>水管爆裂 & "漏水"', reporter: { name: '李大爷', phone: PHONE },
  }, '<b>已抢修</b>，恢复供水');
  await ok('mofan', 'POST', `/v1/whistles/${ids.script}/evaluate`, { rating: 'satisfied' });

  baseUrl = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the JSON notice board (GET /v1/communities/:id/board)', () => {
  test('lists the community\'s resolved and closed whistles with category, list, handling units, dates, result and rating', async () => {
    const res = await stack.call(null, 'GET', '/v1/communities/changan/board?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.community).toEqual({ id: 'changan', name: '长安社区', street: { id: 'yingqian', name: '营前街道' } });
    const byId = new Map(res.body.items.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(ids.elevator)).toMatchObject({
      title: '航景小区5号楼电梯频繁故障', category: 'property', categoryName: '物业管理', list: 'immediate', listName: '即办',
      status: 'closed', street: { id: 'yingqian', name: '营前街道' },
      departments: [{ id: 'market', name: '区市场监督管理局', lead: true }, { id: 'housing', name: '区住房和城乡建设局', lead: false }],
      result: expect.stringContaining('电梯已恢复运行'), outcome: 'solved', rating: 'satisfied', ratingName: '满意',
      reporter: { name: '王*' },
    });
    const lights = byId.get(ids.lights) as Record<string, unknown>;
    expect(lights).toMatchObject({ list: null, departments: [], rating: 'basically_satisfied', ratingName: '基本满意', reporter: { name: '陈*' } });
    for (const key of ['filedAt', 'resolvedAt', 'closedAt']) expect(Date.parse(lights[key] as string)).not.toBeNaN();
    expect(byId.get(ids.lift)).toMatchObject({ list: 'understanding', outcome: 'explained', reporter: { name: '李*' } });
    expect(byId.get(ids.market)).toMatchObject({ status: 'resolved', list: 'phased', rating: null, closedAt: null, reporter: { name: '林*' } });
  });

  test('open whistles and other communities\' whistles are not on the board', async () => {
    const res = await stack.call(null, 'GET', '/v1/communities/changan/board?limit=100');
    const shown = res.body.items.map((i: { id: string }) => i.id);
    expect(shown).not.toContain(ids.open);
    expect(shown).not.toContain(ids.script);
    expect(shown).toEqual(expect.arrayContaining([ids.lights, ids.elevator, ids.lift, ids.market]));
  });

  test('pages newest resolution first through nextCursor, without repeating an item', async () => {
    const seen: Array<{ id: string; resolvedAt: string }> = [];
    let url = '/v1/communities/changan/board?limit=2';
    for (let pages = 0; pages < 20; pages++) {
      const res = await stack.call(null, 'GET', url);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      if (!res.body.nextCursor) break;
      url = `/v1/communities/changan/board?limit=2&cursor=${encodeURIComponent(res.body.nextCursor)}`;
    }
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const times = seen.map((i) => Date.parse(i.resolvedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('is public and briefly cacheable by anyone', async () => {
    const res = await stack.call(null, 'GET', '/v1/communities/changan/board');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  test('an unknown community is 404 not_found; a bad limit or cursor is 400', async () => {
    const unknown = await stack.call(null, 'GET', '/v1/communities/no-such-place/board');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    // A street is not a community.
    expect((await stack.call(null, 'GET', '/v1/communities/yingqian/board')).status).toBe(404);
    expect((await stack.call(null, 'GET', '/v1/communities/changan/board?limit=0')).status).toBe(400);
    const cursor = await stack.call(null, 'GET', '/v1/communities/changan/board?cursor=nonsense');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe('validation_failed');
  });
});

describe('masking on every public surface', () => {
  test('the reporter shows as first character and *, the phone never: JSON board, HTML page, read model', async () => {
    const json = await stack.call(null, 'GET', '/v1/communities/mofan/board');
    const item = json.body.items.find((i: { id: string }) => i.id === ids.script);
    expect(item.reporter).toEqual({ name: '李*' });
    const html = await stack.app.inject({ method: 'GET', url: '/board/mofan' });
    expect(html.body).toContain('李*');
    for (const text of [JSON.stringify(json.body), html.body]) {
      expect(text).not.toContain('李大爷');
      expect(text).not.toContain(PHONE);
    }
    const { rows } = await stack.pool.query('SELECT row_to_json(w)::text AS row FROM whistles w WHERE id = $1', [ids.script]);
    expect(rows[0].row).not.toContain(PHONE);
  });

  test('the page escapes HTML: a title with <script> is shown as text, never run', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/board/mofan' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<b>已抢修');
    expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;水管爆裂 &amp; &quot;漏水&quot;');

    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
    await page.goto(`${baseUrl}/board/mofan`);
    const titles = await page.locator('td.title').allTextContents();
    expect(titles).toContain('<script>alert("x")</script>水管爆裂 & "漏水"');
    expect(await page.locator('td.result').allTextContents()).toContain('<b>已抢修</b>，恢复供水');
    expect(dialogs).toBe(0);
    await page.close();
  });
});

describe('the notice board page (GET /board/:communityId)', () => {
  test('renders in Chromium in Chinese: 长乐区 header, the community\'s name and a table of handled matters', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const res = await page.goto(`${baseUrl}/board/changan`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['cache-control']).toBe('public, max-age=60');
    expect(await page.title()).toContain('长安社区');
    expect(await page.locator('header').innerText()).toContain('长乐区');
    expect(await page.locator('h1').innerText()).toBe('长安社区居事办理公示栏');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(4);
    const table = await page.locator('table').innerText();
    for (const text of ['航景小区5号楼电梯频繁故障', '区市场监督管理局', '牵头', '即办', '谅解', '满意', '待评价', '王*', '营前街道']) {
      expect(table).toContain(text);
    }
    expect(table).not.toContain('尚在办理的事项');
    // Big type for a screen in the community hall.
    const size = await page.locator('td.title').first().evaluate((el) => parseFloat(el.ownerDocument.defaultView!.getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    if (process.env.WRITE_SCREENSHOTS === '1') {
      await page.screenshot({ path: path.join(__dirname, '..', 'docs', 'board.png'), fullPage: true });
    }
    await page.close();
  });

  test('prints on A4 with the table header and without the screen colours or page links', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/board/changan?limit=2`);
    expect(await page.locator('a.pager').count()).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('a.pager').isVisible()).toBe(false);
    const header = await page.locator('header').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
    expect(header).toBe('rgb(255, 255, 255)');
    const thead = await page.locator('thead').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).display);
    expect(thead).toBe('table-header-group');
    const pdf = await page.pdf({ format: 'A4', landscape: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  test('the next-page link leads to the older items', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/board/changan?limit=2`);
    const first = await page.locator('td.title').allTextContents();
    await page.locator('a.pager').click();
    await page.waitForLoadState();
    const second = await page.locator('td.title').allTextContents();
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((t) => first.includes(t))).toBe(false);
    await page.close();
  });

  test('an unknown community is 404; a board without handled matters says so', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/board/no-such-place' });
    expect(res.statusCode).toBe(404);
    const empty = renderBoardPage({
      community: { id: 'jinfeng-town', name: '金峰社区', street: { id: 'jinfeng', name: '金峰镇' } }, items: [], nextCursor: null,
    }, new Date(), null);
    expect(empty).toContain('暂无办结事项公示');
    expect(empty).toContain('金峰社区居事办理公示栏');
  });
});
