/**
 * The console on a phone (390 × 844, touch), from the street: a community's clerk files a
 * whistle by the form's visible Chinese labels — the title typed in Chinese key by key and saved
 * in order, the position taken from the browser with its consent — the street accepts and
 * resolves it, and the community evaluates, all on the phone, the menu opened from its drawer;
 * no page these roles open scrolls sideways. Also: a refused position is said in Chinese, text
 * past its limit is counted, never cut, and the error goes once the text is short enough. Any
 * console error or failed request in a page fails the test. With WRITE_SCREENSHOTS=1 the phone's
 * pages are saved to docs/phone-*.png.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import {
  act, actionDialog, choose, docsScreenshot, menu, openDesk, sidewaysScroll, signIn, status, tapWhistle, whistleCard, withDesks, type Desk,
} from './support/console-browser';
import { type Stack } from './support/stack';
import { consoleUnderTest } from './support/console-stack';

jest.setTimeout(300_000);

/** 长乐区吴航街道, where the clerk stands. */
const HERE = { latitude: 25.961312, longitude: 119.523187, accuracy: 12 };

let stack: Stack;
let browser: Browser;
let base: string;

// Its own database: the street's queue holds only what this file files (on a shared one, other
// files' whistles for 吴航街道 can push this one off the queue's first page).
consoleUnderTest((c) => ({ stack, browser, base } = c), { ownDatabase: 'console-phone' });

async function onPhone(accountId: string, options: { located?: boolean } = {}): Promise<Desk> {
  const d = await openDesk(browser, { phone: true, ...(options.located ? { permissions: ['geolocation'], geolocation: HERE } : {}) });
  await signIn(d, base, accountId);
  return d;
}

const screenshot = (page: Page, name: string, fullPage = false) => docsScreenshot(page, `phone-${name}`, { fullPage });

/** The page fits the phone's width: nothing to scroll sideways. */
async function fits(page: Page, where: string) {
  expect({ where, sideways: await sidewaysScroll(page) }).toEqual({ where, sideways: 0 });
}

const tag = () => randomBytes(2).toString('hex').toUpperCase();

test('on a phone, a community files by the form\'s Chinese labels (typed key by key, with its position), the street accepts and resolves, the community evaluates', async () => {
  const title = `吴航新村小区路灯损坏夜间无照明${tag()}`;
  await withDesks(async (desks) => {
    const community = await onPhone('xiguan', { located: true });
    desks.push(community);
    const c = community.page;
    await c.waitForURL(/\/console\/queue/);
    await fits(c, 'community queue');
    // The menu is folded away: no side menu, a 菜单 button in the header.
    expect(await c.locator('.el-aside').count()).toBe(0);
    await screenshot(c, 'menu-closed');
    await c.getByRole('button', { name: '打开菜单' }).click();
    await c.locator('[data-test=menu-drawer]').getByRole('menuitem', { name: '吹哨' }).waitFor();
    await screenshot(c, 'menu');
    await c.locator('[data-test=menu-drawer]').getByRole('menuitem', { name: '吹哨' }).click();
    await c.waitForURL(/\/console\/whistles\/new$/);
    await fits(c, 'filing form');

    // Labels stand above their fields, and the fields are wide enough to type in.
    const titleBox = c.getByLabel('事项标题');
    const label = await c.locator('.el-form-item').filter({ hasText: '事项标题' }).locator('.el-form-item__label').boundingBox();
    const field = await titleBox.boundingBox();
    expect(field!.y).toBeGreaterThan(label!.y + label!.height - 1);
    expect(field!.width).toBeGreaterThan(250);

    // Chinese typed one character at a time stays in the order typed.
    await titleBox.tap();
    for (const ch of title) await c.keyboard.type(ch);
    expect(await titleBox.inputValue()).toBe(title);
    await choose(c, c.locator('form'), '类别', '道路交通');
    await c.getByLabel('情况描述').tap();
    for (const ch of '三盏路灯不亮，老人夜里出行不便。') await c.keyboard.type(ch);
    await c.getByLabel('详细地址').fill('吴航新村5号楼东侧');
    // 使用当前位置: the browser gives the position the person allowed.
    await c.getByRole('button', { name: '使用当前位置' }).tap();
    await c.locator('[data-test=location-shown]').getByText('北纬 25.96131').waitFor();
    await screenshot(c, 'file', true);
    await c.getByRole('button', { name: '吹哨', exact: true }).tap();
    await c.waitForURL((url) => /^\/console\/whistles\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    const id = new URL(c.url()).pathname.split('/').pop()!;
    await status(c, '待街道受理');
    const filed = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    expect(filed.title).toBe(title);
    expect(filed.description).toBe('三盏路灯不亮，老人夜里出行不便。');
    expect(filed.location).toMatchObject({ address: '吴航新村5号楼东侧', lat: HERE.latitude, lng: HERE.longitude });
    await fits(c, 'whistle page');

    // 街道: the queue as cards; accept and resolve in full-screen dialogs.
    const street = await onPhone('wuhang');
    desks.push(street);
    const s = street.page;
    await s.waitForURL(/\/console\/queue/);
    const card = await whistleCard(s, 'queue', title);
    await fits(s, 'street queue');
    await screenshot(s, 'queue');
    await tapWhistle(s, card, title, id);
    await fits(s, 'street whistle page');
    await screenshot(s, 'whistle', true);
    await act(s, '受理');
    await status(s, '街道办理中');
    await s.getByRole('button', { name: '办结', exact: true }).tap();
    const resolve = actionDialog(s, '办结');
    await resolve.waitFor();
    const box = await resolve.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(389);
    await resolve.getByLabel('办理结果').fill('已更换三盏路灯灯泡并检修线路，夜间照明恢复。');
    await resolve.getByText('已解决', { exact: true }).tap();
    await screenshot(s, 'resolve');
    await resolve.getByRole('button', { name: '确定办结', exact: true }).tap();
    await resolve.waitFor({ state: 'hidden' });
    await status(s, '已办结待评价');

    // 评价: the community finds it in its own list and evaluates.
    await menu(c, '本社区事项');
    await c.waitForURL(/\/console\/whistles$/);
    await fits(c, 'community list');
    await tapWhistle(c, c.locator('[data-test=whistle-table] .whistle-card').filter({ hasText: title }), title, id);
    await act(c, '评价', async (d) => {
      await d.getByText('满意', { exact: true }).tap();
      await d.getByLabel('意见').fill('修得很快，谢谢街道！');
    });
    await status(c, '已办结');
    expect((await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body.evaluation).toMatchObject({ rating: 'satisfied' });

    for (const page of ['/console/help', '/console/notifications', '/console/calendar']) {
      for (const p of [c, s]) {
        await p.goto(`${base}${page}`);
        await p.locator('.page-title').first().waitFor();
        await fits(p, page);
      }
    }
    await c.goto(`${base}/console/notifications`);
    await c.locator('[data-test=notifications] .card').first().waitFor();
    await screenshot(c, 'notifications');
    await c.goto(`${base}/console/calendar`);
    await c.locator('[data-test=calendar]').waitFor();
    await screenshot(c, 'calendar');
  });
});

test('on a phone: a position the browser refuses is said in Chinese; text past its limit is counted, not cut, and its error goes once it is short enough', async () => {
  const d = await onPhone('dongguan');
  try {
    const p = d.page;
    await p.goto(`${base}/console/whistles/new`);
    await p.getByRole('button', { name: '使用当前位置' }).tap();
    await p.locator('[data-test=location-problem]').getByText('未获得定位授权', { exact: false }).waitFor();
    expect(await p.locator('[data-test=location-shown]').count()).toBe(0);

    const titleBox = p.getByLabel('事项标题');
    const item = p.locator('.el-form-item').filter({ hasText: '事项标题' });
    await titleBox.fill('灯'.repeat(201));
    expect(await titleBox.inputValue()).toHaveLength(201);
    await item.locator('[data-test=char-count]').getByText('201 / 200').waitFor();
    await item.locator('.el-form-item__error').getByText('最多 200 字，已超出 1 字，请删减').waitFor();
    await titleBox.press('Backspace');
    await item.locator('[data-test=char-count]').getByText('200 / 200').waitFor();
    await item.locator('.el-form-item__error').waitFor({ state: 'detached' });
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
});
