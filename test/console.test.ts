/**
 * The staff console (工作台) in a real browser (Debian's Chromium through playwright-core): the
 * whole loop of a whistle carried through the console alone, each step by the role that does it
 * and by the buttons' visible Chinese labels — the community blows the whistle, the street
 * accepts, reports progress and escalates, the center dispatches to two departments with a lead,
 * the co-department has no 办结, the lead resolves, the community evaluates, the board shows it —
 * and a wrong password, a session that stops working, a refused action in the API's words, the
 * supervisor's assessment with its charts. Any console error or failed request in a page fails
 * the test (except the refusals a test provokes on purpose). With WRITE_SCREENSHOTS=1 each
 * role's main page is saved to docs/console-*.png.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import {
  ACTION_LABELS, DESKTOP, STEP_MS, act, actionDialog, buttons, choose, docsScreenshot, openDesk, pickMore, signIn as signInAt, status, withDesks, type Desk,
} from './support/console-browser';
import { eventually, filing, quietPolicy, startStack, type Stack } from './support/stack';
import { consoleUnderTest } from './support/console-stack';

jest.setTimeout(300_000);

let stack: Stack;
let browser: Browser;
let base: string;

consoleUnderTest((c) => ({ stack, browser, base } = c));

/** A person at a desktop console (1440 × 900). */
const desk = (): Promise<Desk> => openDesk(browser, { viewport: DESKTOP });

/** Signs in through the sign-in screen with the dev password `dev-<accountId>`. */
const signIn = (d: Desk, accountId: string, password = `dev-${accountId}`, from = '/console/', at = base) => signInAt(d, at, accountId, password, from);

async function atDesk(accountId: string, at = base): Promise<Desk> {
  const d = await desk();
  await signIn(d, accountId, `dev-${accountId}`, '/console/', at);
  return d;
}

/**
 * A walk through the console by several people: `open` signs an account in at a desk of its own
 * and gives its page; every desk (and any other the walk adds to `desks`) is closed after the
 * walk, which fails on any console error.
 */
const walk = (steps: (open: (accountId: string) => Promise<Page>, desks: Desk[]) => Promise<void>) => withDesks((desks) =>
  steps(async (accountId) => {
    const d = await atDesk(accountId);
    desks.push(d);
    return d.page;
  }, desks));

/** The buttons must be exactly the API's allowedActions for this account, in Chinese. */
async function expectButtonsOf(page: Page, accountId: string, whistleId: string): Promise<string[]> {
  const view = (await stack.call(accountId, 'GET', `/v1/whistles/${whistleId}`)).body;
  const want = (view.allowedActions as string[]).map((a) => ACTION_LABELS[a]);
  await eventually(async () => JSON.stringify(await buttons(page)) === JSON.stringify(want), STEP_MS, `buttons ${want.join(' ')} for ${accountId}`);
  return want;
}

const screenshot = (page: Page, name: string) => docsScreenshot(page, `console-${name}`);

const tag = () => randomBytes(3).toString('hex').toUpperCase();

test('a whistle goes from filing to evaluation through the console alone, each step by its role', async () => {
  const title = `滨江花园地下车库积水 ${tag()}`;
  await walk(async (open, desks) => {
    // 社区吹哨: 西关社区 files from its filing form.
    const c = await open('xiguan');
    await c.waitForURL(/\/console\/queue/);
    await c.getByRole('menuitem', { name: '吹哨' }).click();
    await c.getByLabel('事项标题').fill(title);
    await choose(c, c.locator('form'), '类别', '水电燃气');
    await c.getByLabel('情况描述').fill('地下车库连续三天积水，排水泵损坏，社区无力维修。');
    await choose(c, c.locator('form'), '小区', '江景花园小区');
    await c.getByLabel('详细地址').fill('江景花园地下车库B区');
    await c.getByLabel('反映人姓名').fill('林阿姨');
    await c.getByLabel('反映人电话').fill('13900000011');
    await screenshot(c, 'community');
    await c.getByRole('button', { name: '吹哨', exact: true }).click();
    await c.waitForURL((url) => /^\/console\/whistles\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    const id = new URL(c.url()).pathname.split('/').pop()!;
    await status(c, '待街道受理');
    await expectButtonsOf(c, 'xiguan', id);

    // 镇街优先报到: 吴航街道 finds it in its queue, accepts, reports progress, escalates.
    const s = await open('wuhang');
    await s.waitForURL(/\/console\/queue/);
    await s.locator('[data-test=queue]').getByText(title).waitFor();
    await s.locator('[data-test=queue]').getByText(title).click();
    await s.waitForURL(new RegExp(`/console/whistles/${id}$`));
    await expectButtonsOf(s, 'wuhang', id);
    await act(s, '受理');
    await status(s, '街道办理中');
    await expectButtonsOf(s, 'wuhang', id);
    await act(s, '反馈进展', (d) => d.getByLabel('进展情况').fill('已派人查看，排水泵需整体更换。'));
    await s.locator('[data-test=timeline]').getByText('已派人查看，排水泵需整体更换。').waitFor();
    await act(s, '上报区中心', (d) => d.getByLabel('上报理由').fill('排水管网属市政管理，街道无权处理。'));
    await status(s, '待区中心派单');

    // 三单管理、精准派单: the center dispatches to two departments, 区城市管理局 leading.
    const z = await open('center');
    await z.locator('[data-test=queue]').getByText(title).click();
    await z.waitForURL(new RegExp(`/console/whistles/${id}$`));
    await expectButtonsOf(z, 'center', id);
    const href = await z.locator('[data-test=temporal-link]').getAttribute('href');
    expect(href).toBe(`${stack.config.temporalUiUrl}/namespaces/default/workflows/whistle-${id}`);
    const suggestion = (await stack.call('center', 'GET', `/v1/whistles/${id}`)).body.suggestion;
    await z.getByRole('button', { name: '分拨派单', exact: true }).click();
    const triage = actionDialog(z, '分拨派单');
    // The dispatch catalogue's suggestion is preselected.
    if (suggestion?.list) {
      const names: Record<string, string> = { immediate: '即办清单', phased: '阶段性事项清单', understanding: '谅解清单' };
      await expect(triage.locator('.el-radio-button.is-active').innerText()).resolves.toBe(names[suggestion.list]);
    }
    await screenshot(z, 'center');
    await triage.locator('.el-radio-button').filter({ hasText: '即办清单' }).click();
    const departmentSelect = triage.locator('.el-form-item').filter({ hasText: '承办部门' }).locator('.el-select');
    // Start from none: clear what the catalogue chose, then pick the two.
    for (let i = 0; i < 10 && (await departmentSelect.locator('.el-tag__close').count()) > 0; i++) {
      await departmentSelect.locator('.el-tag__close').first().click();
    }
    for (const name of ['区城市管理局', '区水利局']) await pickMore(z, departmentSelect, name);
    await triage.locator('.el-dialog__header').click(); // closes the dropdown
    await choose(z, triage, '牵头单位', '区城市管理局');
    await triage.getByRole('button', { name: '确定分拨派单', exact: true }).click();
    await triage.waitFor({ state: 'hidden' });
    await status(z, '待部门受理');
    const departments = z.locator('[data-test=departments]');
    await departments.getByText('区城市管理局').waitFor();
    await expect(departments.locator('tr').filter({ hasText: '区城市管理局' }).innerText()).resolves.toContain('牵头');
    await expect(departments.locator('tr').filter({ hasText: '区水利局' }).innerText()).resolves.not.toContain('牵头');

    // 部门报到: the co-department accepts and has no 办结.
    const w = await open('water');
    await w.locator('[data-test=queue]').getByText(title).click();
    await w.waitForURL(new RegExp(`/console/whistles/${id}$`));
    await expectButtonsOf(w, 'water', id);
    await act(w, '受理');
    await eventually(async () => (await w.locator('[data-test=departments] tr').filter({ hasText: '区水利局' }).innerText()).includes('办理中'), STEP_MS, 'water handling');
    const waterButtons = await expectButtonsOf(w, 'water', id);
    expect(waterButtons).not.toContain('办结');
    expect(await w.getByRole('button', { name: '办结', exact: true }).count()).toBe(0);
    await screenshot(w, 'department');

    // The lead accepts, reports and resolves.
    const u = await open('urban');
    await u.locator('[data-test=queue]').getByText(title).click();
    await u.waitForURL(new RegExp(`/console/whistles/${id}$`));
    await act(u, '受理');
    await status(u, '部门办理中');
    await expectButtonsOf(u, 'urban', id);
    await act(u, '办结', async (d) => {
      await d.getByLabel('办理结果').fill('已更换排水泵并疏通管网，车库积水已排净。');
      await d.getByText('已解决', { exact: true }).click();
    });
    await status(u, '已办结待评价');

    // 群众评单: the community evaluates from its own list.
    await c.getByRole('menuitem', { name: '本社区事项' }).click();
    await c.locator('[data-test=whistle-table]').getByText(title).click();
    await c.waitForURL(new RegExp(`/console/whistles/${id}$`));
    await expectButtonsOf(c, 'xiguan', id);
    await act(c, '评价', async (d) => {
      await d.getByText('满意', { exact: true }).click();
      await d.getByLabel('意见').fill('处理及时，感谢！');
    });
    await status(c, '已办结');
    expect(await buttons(c)).toEqual([]);

    // 公示: the community's notice board shows it.
    const board = await desk();
    desks.push(board);
    // The public board page is not the console: it has no icon, and Chromium asks for /favicon.ico.
    board.expect(404, '/favicon.ico');
    await eventually(async () => {
      await board.page.goto(`${base}/board/xiguan`);
      return (await board.page.locator('table').innerText()).includes(title);
    }, STEP_MS, 'the whistle on the board');
    const row = await board.page.locator('tbody tr').filter({ hasText: title }).innerText();
    expect(row).toContain('区城市管理局');
    expect(row).toContain('满意');

  });
});

test('a clerk\'s queue shows a new whistle without a reload', async () => {
  const d = await atDesk('yingqian');
  try {
    await d.page.waitForURL(/\/console\/queue/);
    const title = `模范社区路灯不亮 ${tag()}`;
    const filed = await stack.call('mofan', 'POST', '/v1/whistles', filing({ title }));
    expect(filed.status).toBe(201);
    // No reload: the queue polls (with its ETag) and the row appears.
    await d.page.locator('[data-test=queue]').getByText(title).waitFor({ timeout: 60_000 });
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('a clerk\'s queue puts the overdue first (red), then the due soon (amber), then the rest, with the time left', async () => {
  // A stack of its own whose street deadlines are seconds: accept within 2 s, handle within 150 s
  // (the early warning comes at the stage's midpoint, 75 s).
  const fast = await startStack({ policy: { ...quietPolicy(3600), warnBefore: { hours: 24 }, street: { acceptWithin: { seconds: 2 }, acceptWithinUrgent: { seconds: 2 }, handleWithin: { seconds: 150 } } } });
  const at = await fast.app.listen({ host: '127.0.0.1', port: 0 });
  let d: Desk | undefined;
  try {
    const file = async (community: string, title: string) => {
      const res = await fast.call(community, 'POST', '/v1/whistles', filing({ title }));
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const late = `琴江社区水城小区路面塌陷 ${tag()}`;
    const soon = `洞江社区滨江小区垃圾清运不及时 ${tag()}`;
    const fresh = `琴江社区健身器材损坏 ${tag()}`;
    const started = Date.now();
    await file('qinjiang', late); // never accepted: overdue after 2 s
    const soonId = await file('dongjiang', soon);
    expect((await fast.call('hangcheng', 'POST', `/v1/whistles/${soonId}/accept`)).status).toBe(200);
    // Filed later: its own warning comes well after the others'.
    await new Promise((r) => setTimeout(r, Math.max(0, started + 60_000 - Date.now())));
    const freshId = await file('qinjiang', fresh);
    expect((await fast.call('hangcheng', 'POST', `/v1/whistles/${freshId}/accept`)).status).toBe(200);
    await eventually(async () => (await fast.call('hangcheng', 'GET', `/v1/whistles/${soonId}`)).body.dueSoon === true, 60_000, 'the warning');

    d = await atDesk('hangcheng', at);
    await d.page.waitForURL(/\/console\/queue/);
    const rows = d.page.locator('[data-test=queue] .el-table__row');
    await eventually(async () => (await rows.count()) >= 3, STEP_MS, 'three rows');
    const shown = await rows.evaluateAll((els) => els.map((e) => ({
      text: e.textContent ?? '', state: e.querySelector('[data-deadline]')?.getAttribute('data-deadline'),
    })));
    const find = (title: string) => shown.findIndex((r) => r.text.includes(title));
    expect(shown[find(late)].state).toBe('overdue');
    expect(shown[find(soon)].state).toBe('due-soon');
    expect(shown[find(fresh)].state).toBe('normal');
    expect(find(late)).toBeLessThan(find(soon));
    expect(find(soon)).toBeLessThan(find(fresh));
    expect(shown[find(late)].text).toContain('已超期');
    expect(shown[find(fresh)].text).toMatch(/剩余 \d+分钟/);
    // Red and amber, deep enough for white text on them to read (WCAG AA): the console's danger and warning colours.
    const colour = async (state: string) => d!.page.locator(`[data-test=queue] [data-deadline=${state}] .el-tag`).first()
      .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
    expect(await colour('overdue')).toBe('rgb(198, 40, 40)');
    expect(await colour('due-soon')).toBe('rgb(154, 88, 0)');
    expect(Date.now() - started).toBeLessThan(145_000); // still before the fresh one's own warning
    await screenshot(d.page, 'street');
    expect(d.problems).toEqual([]);
  } finally {
    await d?.close();
    await fast.stop();
  }
}, 300_000);

test('a wrong password is refused in the API\'s words and nothing is signed in', async () => {
  const d = await desk();
  try {
    d.expect(401, '/v1/sessions');
    await d.page.goto(`${base}/console/signin`);
    await d.page.getByLabel('账号').fill('dongguan');
    await d.page.getByLabel('密码').fill('not-the-password');
    await d.page.getByRole('button', { name: '登录', exact: true }).click();
    const shown = await d.page.locator('[data-test=signin-error]').innerText();
    const api = await stack.call(null, 'POST', '/v1/sessions', { accountId: 'dongguan', password: 'still-not-it' });
    expect(api.status).toBe(401);
    expect(shown.trim()).toBe(api.body.error.messageZh ?? api.body.error.message);
    expect(d.page.url()).toContain('/console/signin');
    expect(await d.page.evaluate<string | null>("sessionStorage.getItem('whistle.console.session')")).toBeNull();
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('a session that stops working sends the person to sign in, and then back to the page they were on', async () => {
  const filed = await stack.call('dongguan', 'POST', '/v1/whistles', filing({ title: `东关社区楼道杂物 ${tag()}` }));
  const d = await desk();
  try {
    d.expect(401, '/v1/');
    await signIn(d, 'wuhang', 'dev-wuhang', `/console/whistles/${filed.body.id}`);
    await d.page.waitForURL(new RegExp(`/console/whistles/${filed.body.id}$`));
    await d.page.locator('[data-test=status]').waitFor();
    // The token stops working (signed out elsewhere); the page's next refresh meets a 401.
    const token = await d.page.evaluate<string>("JSON.parse(sessionStorage.getItem('whistle.console.session')).token");
    const revoked = await stack.app.inject({ method: 'DELETE', url: '/v1/sessions/current', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.statusCode).toBe(204);
    await d.page.waitForURL(/\/console\/signin\?.*expired=1/, { timeout: 60_000 });
    await d.page.getByText('登录已失效，请重新登录').waitFor();
    await d.page.getByLabel('账号').fill('wuhang');
    await d.page.getByLabel('密码').fill('dev-wuhang');
    await d.page.getByRole('button', { name: '登录', exact: true }).click();
    await d.page.waitForURL(new RegExp(`/console/whistles/${filed.body.id}$`));
    await d.page.locator('[data-test=status]').waitFor();
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('an action the API refuses shows the API\'s own message, and a reload keeps the page and its dialog', async () => {
  const filed = await stack.call('zhenghe', 'POST', '/v1/whistles', filing({ title: `郑和社区井盖破损 ${tag()}` }));
  const id = filed.body.id as string;
  const d = await atDesk('wuhang');
  try {
    d.expect(409, `/v1/whistles/${id}/accept`);
    await d.page.goto(`${base}/console/whistles/${id}`);
    await d.page.getByRole('button', { name: '受理', exact: true }).click();
    const dialog = actionDialog(d.page, '受理');
    await dialog.waitFor();
    // A reload keeps the open dialog (it is in the URL).
    expect(d.page.url()).toContain('action=accept');
    await d.page.reload();
    await dialog.waitFor();
    // Meanwhile the whistle was accepted elsewhere: this accept is refused, in the API's words.
    expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`)).status).toBe(200);
    const again = await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`);
    expect(again.status).toBe(409);
    await dialog.getByRole('button', { name: '确定受理', exact: true }).click();
    const shown = await dialog.locator('[data-test=action-error]').innerText();
    expect(shown.trim()).toBe(again.body.error.messageZh ?? again.body.error.message);
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('an extension asked for by the street and approved by the center moves the deadline; one too long is refused in the API\'s words', async () => {
  const filed = await stack.call('dongguan', 'POST', '/v1/whistles', filing({ title: `东关社区化粪池外溢 ${tag()}` }));
  const id = filed.body.id as string;
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`)).status).toBe(200);
  const before = (await stack.call('wuhang', 'GET', `/v1/whistles/${id}`)).body;
  const street = await atDesk('wuhang');
  const center = await atDesk('center');
  try {
    street.expect(400, `/v1/whistles/${id}/request-extension`);
    const s = street.page;
    await s.goto(`${base}/console/whistles/${id}`);
    // Far beyond what the policy allows: the API refuses, and says why.
    const tooLong = '2030-01-01 18:00:00';
    await s.getByRole('button', { name: '申请延期', exact: true }).click();
    const dialog = actionDialog(s, '申请延期');
    await dialog.getByLabel('延期理由').fill('需协调管网改造，等待材料到货');
    await dialog.locator('.el-date-editor input').fill(tooLong);
    await dialog.locator('.el-date-editor input').press('Enter');
    await dialog.getByRole('button', { name: '确定申请延期', exact: true }).click();
    const refusal = (await dialog.locator('[data-test=action-error]').innerText()).trim();
    const api = await stack.call('wuhang', 'POST', `/v1/whistles/${id}/request-extension`, { until: '2030-01-01T18:00:00+08:00', reason: '需协调管网改造' });
    expect(api.status).toBe(400);
    expect(refusal).toBe(api.body.error.messageZh ?? api.body.error.message);
    // One working day later is allowed.
    const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' })
      .format(new Date(Date.parse(before.dueAt) + 24 * 3600_000));
    const until = new Date(`${wall.replace(' ', 'T')}+08:00`);
    await dialog.locator('.el-date-editor input').fill(wall);
    await dialog.locator('.el-date-editor input').press('Enter');
    await dialog.getByRole('button', { name: '确定申请延期', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await s.locator('[data-test=extension]').getByText('待审批').waitFor();

    const z = center.page;
    await z.locator('[data-test=queue]').getByText('东关社区化粪池外溢').first().click();
    await z.waitForURL(new RegExp(`/console/whistles/${id}$`));
    await act(z, '审批延期', async (d) => {
      await d.getByText('批准', { exact: true }).click();
      await d.getByLabel('说明').fill('同意延期');
    });
    await z.locator('[data-test=extension]').getByText('已批准').waitFor();
    const after = (await stack.call('center', 'GET', `/v1/whistles/${id}`)).body;
    expect(Date.parse(after.dueAt)).toBe(until.getTime());
    expect(street.problems).toEqual([]);
    expect(center.problems).toEqual([]);
  } finally {
    await street.close();
    await center.close();
  }
});

test('the supervisor sees the overdue board and the quarter\'s assessment as a table and charts, with its CSV', async () => {
  const d = await atDesk('supervision');
  try {
    await d.page.waitForURL(/\/console\/overdue/);
    await d.page.locator('[data-test=overdue]').waitFor();
    await d.page.locator('[data-test=due-soon]').waitFor();
    await screenshot(d.page, 'supervisor');
    await d.page.getByRole('menuitem', { name: '定期验单' }).click();
    await d.page.waitForURL(/\/console\/assessment/);
    const table = d.page.locator('[data-test=assessment-table]');
    await table.getByText('吴航街道').first().waitFor();
    await table.getByText('区城市管理局').first().waitFor();
    // Two charts, drawn on canvases (ECharts): score by unit and the four rates.
    for (const chart of ['chart-score', 'chart-rates']) {
      const canvas = d.page.locator(`[data-test=${chart}] canvas`);
      await canvas.first().waitFor();
      const box = await canvas.first().boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(200);
      // A tooltip under the pointer (drawn without inline styles, which the CSP would refuse).
      await d.page.mouse.move(box!.x + box!.width * 0.3, box!.y + box!.height * 0.6);
      await d.page.waitForTimeout(300);
    }
    await screenshot(d.page, 'assessment');
    const [download] = await Promise.all([d.page.waitForEvent('download'), d.page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^assessment-\d{4}-Q[1-4](-live)?\.csv$/);
    const file = await download.path();
    const csv = fs.readFileSync(file!, 'utf8');
    expect(csv).toContain('吴航街道');
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('邻里搭把手 through the console: a resident posts, the community verifies, a member claims, checks in and completes, the resident confirms', async () => {
  const title = `陪同老人复查 ${tag()}`;
  await walk(async (open) => {
    const r = await open('dongguan-resident-1');
    await r.waitForURL(/\/console\/help/);
    await r.getByRole('button', { name: '我要点单' }).click();
    await r.getByLabel('需求标题').fill(title);
    await r.getByLabel('需求描述').fill('周五上午需要有人陪同去区医院复查。');
    await r.getByLabel('地点').fill('东方花园5号楼');
    await r.getByRole('button', { name: '提交点单' }).click();
    await r.waitForURL((url) => /^\/console\/help\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    const id = new URL(r.url()).pathname.split('/').pop()!;
    await r.locator('[data-test=actions]').getByRole('button', { name: '取消点单' }).waitFor();

    // 社区下单: the community finds it among its to-dos.
    const community = await open('dongguan');
    await community.locator('[data-test=help-todo]').getByText(title).click();
    await act(community, '审核下单', (d) => d.getByText('通过，下单').click());

    // 党员接单, 报到, 完成服务.
    const m = await open('dongguan-member-1');
    await m.locator('[data-test=help-table]').getByText(title).click();
    await act(m, '接单', async (d) => {
      const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(Date.now() + 2 * 86400_000));
      await d.locator('.el-date-editor input').fill(wall);
      await d.locator('.el-date-editor input').press('Enter');
      // The request's place is shown to its parties and its claimer only: a member names where to meet.
      await d.getByLabel('约定地点').fill('东方花园5号楼楼下');
    });
    await act(m, '报到');
    await act(m, '完成服务', (d) => d.getByLabel('服务情况').fill('已陪同复查并送回家。'));

    // The requester confirms with five stars.
    await r.reload();
    await act(r, '确认评价', async (d) => {
      await d.locator('.el-rate__item').nth(4).click();
      await d.getByLabel('评价').fill('非常感谢党员同志');
    });
    await r.locator('[data-test=actions]').getByText('已结束').waitFor();
    expect((await stack.call('dongguan-resident-1', 'GET', `/v1/help-requests/${id}`)).body).toMatchObject({ status: 'closed', rating: 5 });

    // The member's record counts it.
    await m.getByRole('menuitem', { name: '我的服务记录' }).click();
    await m.getByText(title).first().waitFor();
  });
});

test('every role\'s main page opens without an error: member and resident on the help board, the center\'s catalogue, the inbox', async () => {
  for (const [account, url, check, shot] of [
    ['xiguan-member-1', /\/console\/help/, '[data-test=help-table]', 'member'],
    ['xiguan-resident-1', /\/console\/help/, '[data-test=help-table]', 'resident'],
  ] as const) {
    const d = await atDesk(account);
    try {
      await d.page.waitForURL(url);
      await d.page.locator(check).waitFor();
      await screenshot(d.page, shot);
      await d.page.getByRole('menuitem', { name: '通知' }).click();
      await d.page.locator('[data-test=notifications]').waitFor();
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  }
  const center = await atDesk('center');
  try {
    await center.page.getByRole('menuitem', { name: '派单目录' }).click();
    await center.page.locator('[data-test=catalogue]').getByText('水电燃气').waitFor();
    await screenshot(center.page, 'catalogue');
    await center.page.getByRole('menuitem', { name: '通知' }).click();
    await center.page.locator('[data-test=notifications]').waitFor();
    await screenshot(center.page, 'notifications');
    expect(center.problems).toEqual([]);
  } finally {
    await center.close();
  }
});

test('what an account opens is the server\'s: its menu is /v1/me\'s, a page outside its rights is the not-found page at the same address, and a tab kept from an older console asks for its rights', async () => {
  const filed = await stack.call('dongguan', 'POST', '/v1/whistles', filing({ title: `东关社区路灯不亮 ${tag()}` }));
  const d = await atDesk('xiguan-resident-1');
  try {
    const p = d.page;
    await p.waitForURL(/\/console\/help$/);
    const me = (await stack.call('xiguan-resident-1', 'GET', '/v1/me')).body;
    expect(me.home).toBe('/help');
    const menu = async () => (await p.locator('.el-menu-item').allInnerTexts()).map((t) => t.trim());
    expect(await menu()).toEqual(me.menus.map((m: { title: string }) => m.title));

    // Bookmarks of pages a resident may not open: the not-found page, the address kept, nothing asked of the API.
    for (const page of ['/console/catalogue', `/console/whistles/${filed.body.id}`, '/console/assessment?quarter=2026-Q4']) {
      await p.goto(`${base}${page}`);
      await p.locator('[data-test=not-found]').getByText('页面不存在', { exact: true }).waitFor();
      expect(new URL(p.url()).pathname + new URL(p.url()).search).toBe(page);
      expect(await p.title()).toBe('页面不存在 · 吹哨报到工作台');
    }

    // A tab that signed in before the account carried its rights: the console asks for them, then opens home.
    await p.evaluate(`(() => {
      const saved = JSON.parse(sessionStorage.getItem('whistle.console.session'));
      delete saved.me.menus;
      delete saved.me.rights;
      delete saved.me.home;
      sessionStorage.setItem('whistle.console.session', JSON.stringify(saved));
    })()`);
    const asked = p.waitForResponse((r) => new URL(r.url()).pathname === '/v1/me' && r.status() === 200);
    await p.goto(`${base}/console/`);
    await asked;
    await p.waitForURL(/\/console\/help$/);
    await p.locator('[data-test=help-table]').waitFor();
    expect(await menu()).toEqual(me.menus.map((m: { title: string }) => m.title));
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('a re-dispatch after a return starts from the catalogue\'s suggestion without the department that returned the whistle', async () => {
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: `西关社区人行道破损 ${tag()}`, category: 'roads' }));
  const id = filed.body.id as string;
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`)).status).toBe(200);
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/escalate`, { reason: '需交通部门修复' })).status).toBe(200);
  const suggestion = (await stack.call('center', 'GET', `/v1/whistles/${id}`)).body.suggestion;
  expect(suggestion.departmentIds).toEqual(expect.arrayContaining(['transport', 'urban']));
  const triaged = await stack.call('center', 'POST', `/v1/whistles/${id}/triage`, { list: 'immediate', departmentIds: ['transport', 'urban'], leadDepartmentId: 'transport' });
  expect(triaged.status).toBe(200);
  const returned = await stack.call('urban', 'POST', `/v1/whistles/${id}/return`, { reason: '人行道归交通部门管养', kind: 'not_our_function' });
  expect(returned.body.status).toBe('escalated');
  expect((await stack.call('center', 'GET', `/v1/whistles/${id}`)).body.suggestion.departmentIds).toContain('urban');

  const d = await atDesk('center');
  try {
    await d.page.goto(`${base}/console/whistles/${id}`);
    await d.page.getByRole('button', { name: '分拨派单', exact: true }).click();
    const triage = actionDialog(d.page, '分拨派单');
    await triage.waitFor();
    const chosen = triage.locator('.el-form-item').filter({ hasText: '承办部门' }).locator('.el-select .el-tag');
    await chosen.first().waitFor();
    expect((await chosen.allInnerTexts()).map((t) => t.trim())).toEqual(['区交通运输局']);
    // It can still be chosen on purpose, marked as having returned it.
    const select = triage.locator('.el-form-item').filter({ hasText: '承办部门' }).locator('.el-select');
    await select.click();
    const listbox = await select.locator('[role=combobox]').getAttribute('aria-controls');
    await d.page.locator(`[id="${listbox}"] .el-select-dropdown__item`).filter({ hasText: '区城市管理局（已退单）' }).waitFor();
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});

test('an error goes as soon as its rule no longer applies: rejecting a help request needs a reason, approving it does not', async () => {
  const posted = await stack.call('dongguan-resident-1', 'POST', '/v1/help-requests', {
    title: `帮忙取药 ${tag()}`, description: '腿脚不便，需要有人帮忙去社区卫生站取药。', communityId: 'dongguan',
  });
  expect(posted.status).toBe(201);
  const d = await atDesk('dongguan');
  try {
    await d.page.goto(`${base}/console/help/${posted.body.id}?action=verify`);
    const dialog = actionDialog(d.page, '审核下单');
    await dialog.waitFor();
    await dialog.getByText('不通过', { exact: true }).click();
    await dialog.getByRole('button', { name: '确定审核下单', exact: true }).click();
    const reasonError = dialog.locator('.el-form-item').filter({ hasText: '理由' }).locator('.el-form-item__error');
    await reasonError.getByText('请填写理由').waitFor();
    await dialog.getByText('通过，下单', { exact: true }).click();
    await reasonError.waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: '确定审核下单', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await stack.call('dongguan', 'GET', `/v1/help-requests/${posted.body.id}`)).body.status).toBe('open');
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});
