/**
 * The center's practice in the console, in a real browser, at a desk (1440 × 900) and on a phone
 * (390 × 844): 高频诉求 as the ten most reported with their trend and links, and the place ×
 * category chart on a canvas; the center writes an article of 知识库 and a search by other Chinese
 * words finds it; the filing form preselects the category 智能推荐 suggests for the text typed; the
 * triage dialog shows the suggested departments; the resolve dialog inserts a reply template of
 * the knowledge base into the result. Any console error or failed request fails the test; nothing
 * scrolls sideways on the phone. With WRITE_SCREENSHOTS=1 the pages are saved to docs/console-center-*.png.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, actionDialog, choose, cutDates, docsScreenshot, menu, openDesk, pickMore, sidewaysScroll, signIn, type Desk } from './support/console-browser';
import { filing, type Stack } from './support/stack';
import { consoleUnderTest } from './support/console-stack';

jest.setTimeout(300_000);

let stack: Stack;
let browser: Browser;
let base: string;
const tag = () => randomBytes(2).toString('hex').toUpperCase();

// Its own database: the recurring matters it counts are only those this file files.
consoleUnderTest((c) => ({ stack, browser, base } = c), { ownDatabase: 'console-center' });

beforeAll(async () => {
  // The same matter again and again: four in 西关社区 (环境卫生), three in 东关社区 (噪音扰民).
  const file = async (as: string, body: Record<string, unknown>) => {
    const res = await stack.call(as, 'POST', '/v1/whistles', filing(body));
    expect(res.status).toBe(201);
  };
  for (let i = 0; i < 4; i++) await file('xiguan', { title: `江景花园垃圾清运不及时 ${i}`, category: 'environment' });
  for (let i = 0; i < 3; i++) await file('dongguan', { title: `东方花园夜间施工噪音 ${i}`, category: 'noise' });
}, 180_000);

const VIEWPORTS = [['desk', { viewport: DESKTOP }], ['phone', { phone: true, viewport: PHONE }]] as const;

async function at(accountId: string, options: (typeof VIEWPORTS)[number][1]): Promise<Desk> {
  const d = await openDesk(browser, options);
  await signIn(d, base, accountId);
  return d;
}

const screenshot = (page: Page, name: string, fullPage = true) => docsScreenshot(page, `console-center-${name}`, { fullPage, settleMs: 600 });

async function fits(page: Page, where: string) {
  expect({ where, sideways: await sidewaysScroll(page) }).toEqual({ where, sideways: 0 });
}

describe.each(VIEWPORTS)('on a %s', (name, options) => {
  test('高频诉求: the ten most reported with their trend and links, and the place × category chart', async () => {
    const d = await at('center', options);
    try {
      await menu(d.page, '高频诉求');
      await d.page.waitForURL(/\/console\/recurring$/);
      const table = d.page.locator('[data-test=recurring-table]');
      await table.getByText('西关社区').first().waitFor();
      await table.getByText('东关社区').first().waitFor();
      await table.getByText('新出现').first().waitFor();
      const canvas = d.page.locator('[data-test=recurring-chart] canvas');
      await canvas.first().waitFor();
      const box = await canvas.first().boundingBox();
      expect(box!.width).toBeGreaterThan(250);
      expect(box!.height).toBeGreaterThan(200);
      await d.page.mouse.move(box!.x + box!.width * 0.5, box!.y + box!.height * 0.5);
      if (name === 'phone') await fits(d.page, 'recurring');
      // The period's two dates are read whole, on the phone too (neither input cuts its date short).
      expect(await d.page.locator('.el-date-editor.period input').count()).toBe(2);
      expect(await cutDates(d.page)).toEqual([]);
      await screenshot(d.page, `recurring-${name}`);

      // By street the two communities add up; a threshold above every count leaves nothing.
      await d.page.locator('.el-radio-button').filter({ hasText: '街道' }).click();
      await d.page.waitForURL(/level=street/);
      await table.getByText('吴航街道').first().waitFor();
      await d.page.goto(`${base}/console/recurring?minCount=50`);
      await table.getByText('本期没有达到件数的高频诉求').first().waitFor();

      // Each whistle of a row is a link to its page.
      await d.page.goto(`${base}/console/recurring?category=noise`);
      await table.getByText('东关社区').first().waitFor();
      await table.getByRole('link', { name: '第1件' }).first().click();
      await d.page.waitForURL(/\/console\/whistles\/[A-Za-z0-9_-]+$/);
      await d.page.locator('.page-title').getByText('东方花园夜间施工噪音').waitFor();
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  test('知识库: the center writes an article, a search by other Chinese words finds it, a department reads it', async () => {
    const t = tag();
    const title = `化粪池满溢处置办法${t}`;
    const d = await at('center', options);
    try {
      await menu(d.page, '知识库');
      await d.page.waitForURL(/\/console\/knowledge$/);
      await d.page.locator('[data-test=new-article]').click();
      const dialog = d.page.locator('[data-test=article-dialog]');
      await dialog.waitFor();
      await dialog.getByLabel('标题').fill(title);
      await dialog.getByLabel('正文').fill('小区化粪池满溢、污水外溢时，物业服务企业应在24小时内组织清掏，并对周边进行消杀。');
      await dialog.getByLabel('答复模板').fill(`您好，您反映的化粪池满溢问题已转物业公司清掏（${t}）。`);
      await choose(d.page, dialog, '适用类别', '环境卫生');
      await dialog.locator('.el-dialog__title').click();
      if (name === 'phone') await screenshot(d.page, 'knowledge-edit-phone', false);
      await dialog.locator('[data-test=article-save]').click();
      await dialog.waitFor({ state: 'hidden' });
      const list = d.page.locator('[data-test=knowledge-list]');
      await list.getByText(title).waitFor();

      // Other words than the title's: 污水外溢 怎么办 → the body's 污水外溢.
      await d.page.getByLabel('搜索知识库').fill('污水外溢怎么办');
      await d.page.getByRole('button', { name: '搜索', exact: true }).click();
      await d.page.waitForURL(/q=/);
      const found = list.locator('[data-test=article]').filter({ hasText: title });
      await found.getByText('匹配').waitFor();
      await found.getByRole('button', { name: '展开全文和答复模板' }).click();
      await list.getByText(`已转物业公司清掏（${t}）`).waitFor();
      if (name === 'phone') await fits(d.page, 'knowledge');
      await screenshot(d.page, `knowledge-${name}`);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }

    // A department reads it and may not write.
    const urban = await at('urban', options);
    try {
      await urban.page.goto(`${base}/console/knowledge?q=${encodeURIComponent('化粪池')}`);
      await urban.page.locator('[data-test=knowledge-list]').getByText(title).waitFor();
      expect(await urban.page.locator('[data-test=new-article]').count()).toBe(0);
      expect(await urban.page.getByRole('button', { name: '编辑' }).count()).toBe(0);
      expect(urban.problems).toEqual([]);
    } finally {
      await urban.close();
    }
  });

  test('吹哨: the category 智能推荐 suggests for the text is preselected, and the person\'s own choice stays', async () => {
    const text = { title: '小区路灯不亮', description: '江景花园3号楼前的路灯坏了半个月，晚上一片漆黑，老人出行不便。' };
    const suggested = (await stack.call('xiguan', 'POST', '/v1/suggest', text)).body as { categories: Array<{ id: string }> };
    const names = new Map(((await stack.call('xiguan', 'GET', '/v1/categories')).body as Array<{ id: string; name: string }>).map((c) => [c.id, c.name]));
    const top = names.get(suggested.categories[0].id)!;

    const d = await at('xiguan', options);
    try {
      await d.page.goto(`${base}/console/whistles/new`);
      await d.page.getByLabel('事项标题').fill(text.title);
      await d.page.getByLabel('情况描述').fill(text.description);
      const hint = d.page.locator('[data-test=suggested-category]');
      await hint.getByText('智能推荐').waitFor();
      await hint.getByText(`${top}（匹配度`).waitFor();
      const category = d.page.locator('.el-form-item').filter({ hasText: '类别' }).first().locator('.el-select');
      await category.getByText(top, { exact: true }).waitFor();
      if (name === 'phone') await fits(d.page, 'filing');
      await screenshot(d.page, `suggest-${name}`, name === 'phone');

      // The person chooses another; more text does not take it away.
      const other = top === '其他' ? '噪音扰民' : '其他';
      await choose(d.page, d.page.locator('form'), '类别', other);
      await d.page.getByLabel('情况描述').fill(`${text.description}路灯杆也有些歪。`);
      await hint.getByRole('button', { name: /^采用/ }).waitFor();
      await category.getByText(other, { exact: true }).waitFor();
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});

test('分拨派单 shows the suggested departments beside the catalogue\'s; 办结 inserts a reply template of the knowledge base', async () => {
  const t = tag();
  const created = await stack.call('center', 'POST', '/v1/knowledge', {
    title: `井盖破损处置${t}`, body: '道路井盖破损、缺失时，应立即设置警示并在24小时内更换。', categories: ['roads'],
    replyTemplate: `您好，您反映的井盖破损问题已安排更换（${t}）。`,
  });
  expect(created.status).toBe(201);
  const whistle = async (title: string) => {
    const res = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title, description: '人行道上的井盖破损，行人容易踩空。', category: 'roads' }));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const toTriage = await whistle(`滨江路井盖破损${t}`);
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${toTriage}/escalate`, { reason: '需区级部门处理' })).status).toBe(200);
  const toResolve = await whistle(`江景花园井盖破损${t}`);
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${toResolve}/accept`)).status).toBe(200);

  const center = await at('center', { viewport: DESKTOP });
  try {
    await center.page.goto(`${base}/console/whistles/${toTriage}?action=triage`);
    const dialog = actionDialog(center.page, '分拨派单');
    await dialog.locator('[data-test=suggested-departments]').getByText('智能推荐').waitFor();
    await dialog.getByText('派单目录建议').waitFor();
    // No return to rule on: the whistle came from the street.
    expect(await dialog.locator('[data-test=return-ruling]').count()).toBe(0);
    await screenshot(center.page, 'triage', false);
    expect(center.problems).toEqual([]);
  } finally {
    await center.close();
  }

  const street = await at('wuhang', { viewport: DESKTOP });
  try {
    await street.page.goto(`${base}/console/whistles/${toResolve}?action=resolve`);
    const dialog = actionDialog(street.page, '办结');
    const templates = dialog.locator('[data-test=reply-templates]');
    await templates.getByText(`井盖破损处置${t}`).waitFor();
    await templates.locator('li').filter({ hasText: `井盖破损处置${t}` }).getByRole('button', { name: '插入办理结果' }).click();
    expect(await dialog.getByLabel('办理结果').inputValue()).toContain(`已安排更换（${t}）`);
    await screenshot(street.page, 'resolve', false);
    expect(street.problems).toEqual([]);
  } finally {
    await street.close();
  }
});

/**
 * The parts whose API other work is adding (回访, 未诉先办, the ruling on a return): the browser's
 * requests to them are answered here with the contract's shapes, and what the pages send is
 * checked against the contract. Once the API has them, these answers give way to the real ones.
 */
test('回访, 未诉先办 and the ruling on a return send what the contract says (their API answered as the contract gives it)', async () => {
  const t = tag();
  // A whistle dispatched to 区城市管理局 that returned it: back at the center, its return to rule on.
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: `滨江路积水${t}`, category: 'roads' }));
  const id = filed.body.id as string;
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/escalate`, { reason: '需区级部门处理' })).status).toBe(200);
  expect((await stack.call('center', 'POST', `/v1/whistles/${id}/triage`, { list: 'immediate', departmentIds: ['urban'] })).status).toBe(200);
  expect((await stack.call('urban', 'POST', `/v1/whistles/${id}/return`, { reason: '属排水管网，不属本局职能', kind: 'not_our_function' })).status).toBe(200);

  const sent: Array<{ path: string; body: unknown }> = [];
  const view = (await stack.call('center', 'GET', `/v1/whistles/${id}`)).body;
  const rounds: Array<Record<string, unknown>> = [];
  const d = await openDesk(browser, { viewport: DESKTOP });
  try {
    await d.page.route(/\/v1\/(whistles|proactive)/, async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const json = (status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
      if (url.pathname === '/v1/whistles' && url.searchParams.get('callbackDue') === 'true') {
        return json(200, { items: [{ ...view, status: 'closed', reporter: { name: '李大爷', phone: '13800000000' } }], nextCursor: null });
      }
      if (request.method() === 'POST' && /\/(callback|triage)$/.test(url.pathname)) {
        sent.push({ path: url.pathname, body: request.postDataJSON() });
        return json(200, view);
      }
      if (url.pathname === '/v1/proactive' && request.method() === 'GET') return json(200, { items: rounds });
      if (url.pathname === '/v1/proactive' && request.method() === 'POST') {
        const body = request.postDataJSON();
        sent.push({ path: url.pathname, body });
        rounds.push({ id: 'round-1', ...body, paused: false, nextRunAt: '2026-12-01T01:00:00.000Z' });
        return json(201, { id: 'round-1', nextRunAt: '2026-12-01T01:00:00.000Z' });
      }
      if (url.pathname === '/v1/proactive/round-1' && request.method() === 'DELETE') {
        sent.push({ path: url.pathname, body: null });
        rounds.splice(0);
        return route.fulfill({ status: 204 });
      }
      if (/^\/v1\/proactive\/round-1\/(un)?pause$/.test(url.pathname)) {
        sent.push({ path: url.pathname, body: null });
        rounds[0].paused = url.pathname.endsWith('/pause');
        return json(200, rounds[0]);
      }
      return route.fallback();
    });
    await signIn(d, base, 'center');

    // 分拨派单 of a returned whistle: the return is shown, and the ruling is required and sent.
    await d.page.goto(`${base}/console/whistles/${id}?action=triage`);
    const triage = actionDialog(d.page, '分拨派单');
    const returned = triage.locator('[data-test=return-to-rule]');
    await returned.getByText('属排水管网，不属本局职能').waitFor();
    await returned.getByText('区城市管理局').waitFor();
    // The catalogue's departments for 道路交通 less the one that returned it: 区交通运输局.
    await triage.locator('.el-form-item').filter({ hasText: '承办部门' }).getByText('区交通运输局').waitFor();
    await triage.getByRole('button', { name: '确定分拨派单' }).click();
    await triage.locator('.el-form-item').filter({ hasText: '退单审核' }).getByText('请审核退单：维持退回或驳回退回').waitFor();
    expect(sent).toEqual([]);
    await screenshot(d.page, 'return-ruling', false);
    await triage.getByText('驳回退回', { exact: true }).click();
    await triage.getByRole('button', { name: '确定分拨派单' }).click();
    await triage.waitFor({ state: 'hidden' });
    expect(sent.pop()).toMatchObject({ path: `/v1/whistles/${id}/triage`, body: { list: 'immediate', returnRuling: 'rejected' } });

    // 回访: who to call, the result to read out; reached, rated, noted.
    await menu(d.page, '回访');
    const call = d.page.locator('[data-test=callback-item]').filter({ hasText: `滨江路积水${t}` });
    await call.getByText('李大爷').waitFor();
    await call.getByText('13800000000').waitFor();
    await call.getByText('已联系上').click();
    await call.getByText('基本满意').click();
    await call.getByLabel('回访记录').fill('群众表示积水已退，希望加快管网改造。');
    await screenshot(d.page, 'callbacks');
    await call.getByRole('button', { name: '提交回访' }).click();
    await call.waitFor({ state: 'detached' });
    expect(sent.pop()).toEqual({
      path: `/v1/whistles/${id}/callback`, body: { reached: true, rating: 'basically_satisfied', note: '群众表示积水已退，希望加快管网改造。' },
    });

    // 未诉先办: a round for two communities every 30 days, then paused.
    await menu(d.page, '未诉先办');
    await d.page.getByRole('button', { name: '新建', exact: true }).click();
    const dialog = d.page.locator('[data-test=proactive-dialog]');
    await dialog.getByLabel('标题').fill('汛前排水设施巡查');
    await dialog.getByLabel('内容').fill('汛期前检查辖区雨水井、排水沟是否堵塞。');
    await choose(d.page, dialog, '类别', '水电燃气');
    await choose(d.page, dialog, '社区', '西关社区');
    await pickMore(d.page, dialog.locator('.el-form-item').filter({ hasText: '社区' }).locator('.el-select'), '东关社区');
    await dialog.locator('.el-dialog__title').click();
    await dialog.getByText('阶段性事项清单').click();
    await choose(d.page, dialog, '承办部门', '区城市管理局');
    await dialog.locator('.el-dialog__title').click();
    await screenshot(d.page, 'proactive-new', false);
    await dialog.getByRole('button', { name: '创建', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(sent.pop()).toEqual({
      path: '/v1/proactive', body: {
        title: '汛前排水设施巡查', description: '汛期前检查辖区雨水井、排水沟是否堵塞。', category: 'utilities',
        communityIds: ['xiguan', 'dongguan'], list: 'phased', departmentIds: ['urban'], leadDepartmentId: 'urban', schedule: { everyDays: 30 },
      },
    });
    const round = d.page.locator('[data-test=proactive] article').filter({ hasText: '汛前排水设施巡查' });
    await round.getByText('西关社区、东关社区').waitFor();
    await round.getByRole('button', { name: '暂停' }).click();
    await round.getByText('已暂停').waitFor();
    expect(sent.pop()).toEqual({ path: '/v1/proactive/round-1/pause', body: null });
    await screenshot(d.page, 'proactive');
    // 删除, asked once more with what it leaves alone; the round leaves the list.
    await round.getByRole('button', { name: '删除' }).click();
    const confirm = d.page.locator('.el-popconfirm').filter({ hasText: '删除“汛前排水设施巡查”？已生成的事项不受影响。' });
    await confirm.getByRole('button', { name: '删除' }).click();
    await d.page.getByText('已删除：汛前排水设施巡查').waitFor();
    await round.waitFor({ state: 'detached' });
    expect(sent.pop()).toEqual({ path: '/v1/proactive/round-1', body: null });
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});
