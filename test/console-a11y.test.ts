/**
 * Accessibility of the console (axe-core through @axe-core/playwright): each role signs in on a
 * desk (1440 × 900) and on a phone (390 × 844) and opens every page of its menu, a whistle's
 * page, a help request's page and, where it has them, an action dialog and the filing form with
 * its errors; axe finds no serious or critical violation on any of them. On the phone, and on a
 * desk at 200 % zoom (a 720 × 450 CSS-pixel page drawn at twice the size), no page scrolls
 * sideways. The sign-in screen is checked the same way. The moderate and minor findings are
 * printed, to be read.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, ZOOM_200, cutDates, openDesk, sidewaysScroll, signIn, type Desk } from './support/console-browser';
import { filing, type Stack } from './support/stack';
import { consoleUnderTest } from './support/console-stack';

jest.setTimeout(600_000);

let stack: Stack;
let browser: Browser;
let base: string;
/** A whistle dispatched to 区城市管理局 (seen by every office), one waiting for the street, an open help request. */
let dispatched: string;
let waiting: string;
let help: string;
/** Findings below serious, by rule, across the run (printed at the end). */
const lesser = new Map<string, { impact: string; pages: Set<string> }>();

consoleUnderTest((c) => ({ stack, browser, base } = c));

beforeAll(async () => {
  const ok = async (res: Promise<{ status: number; body: { id?: string } }>) => {
    const answer = await res;
    expect(answer.status).toBeLessThan(300);
    return answer.body;
  };
  dispatched = (await ok(stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: '西关社区排水沟堵塞' })))).id!;
  await ok(stack.call('wuhang', 'POST', `/v1/whistles/${dispatched}/accept`));
  await ok(stack.call('wuhang', 'POST', `/v1/whistles/${dispatched}/escalate`, { reason: '需市政部门疏通' }));
  await ok(stack.call('center', 'POST', `/v1/whistles/${dispatched}/triage`, { list: 'immediate', departmentIds: ['urban'] }));
  waiting = (await ok(stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: '西关社区路灯不亮' })))).id!;
  help = (await ok(stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', {
    title: '陪同老人复查', description: '周五上午需要有人陪同去区医院复查。', communityId: 'xiguan', place: '江景花园3号楼',
  }))).id!;
  await ok(stack.call('xiguan', 'POST', `/v1/help-requests/${help}/verify`, { approve: true }));
}, 180_000);

afterAll(() => {
  const lines = [...lesser].map(([rule, { impact, pages }]) => `  ${impact} ${rule}: ${pages.size} page(s), e.g. ${[...pages][0]}`);
  console.log(`axe findings below serious (not failures):\n${lines.join('\n') || '  none'}`);
});

/** The serious and critical violations axe finds on the page as it is now; the lesser ones are kept for the summary. */
async function violations(page: Page, where: string): Promise<string[]> {
  await page.waitForTimeout(400);
  const result = await new AxeBuilder({ page }).analyze();
  const serious: string[] = [];
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      serious.push(`${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    } else {
      const seen = lesser.get(v.id) ?? { impact: v.impact ?? 'minor', pages: new Set<string>() };
      seen.pages.add(where);
      lesser.set(v.id, seen);
    }
  }
  return serious;
}

/** The pages an account opens: its menu (the server's), a whistle's page and a help request's page where it may. */
async function pagesOf(accountId: string): Promise<string[]> {
  const me = (await stack.call(accountId, 'GET', '/v1/me')).body as { menus: Array<{ path: string }>; rights: string[] };
  const pages = me.menus.map((m) => m.path);
  if (me.rights.includes('whistle')) pages.push(`/whistles/${dispatched}`);
  pages.push(`/help/${help}`);
  return pages;
}

/** Waits until the page has drawn its content (its title, or the not-found page). */
async function settled(page: Page) {
  await page.locator('.page-title, [data-test=not-found]').first().waitFor();
  await page.locator('.el-loading-mask').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
}

const ROLES = [
  ['community', 'xiguan'], ['street', 'wuhang'], ['center', 'center'], ['department', 'urban'],
  ['supervisor', 'supervision'], ['member', 'xiguan-member-1'], ['resident', 'xiguan-resident-1'],
] as const;

/** Every page of `pages` on a desk or a phone: axe's serious findings (the phone: nothing scrolls sideways). */
async function deskOrPhone(accountId: string, pages: string[], name: 'desk' | 'phone'): Promise<string[]> {
  const found: string[] = [];
  const d: Desk = await openDesk(browser, name === 'desk' ? { viewport: DESKTOP } : { phone: true, viewport: PHONE });
  try {
    await signIn(d, base, accountId);
    for (const path of pages) {
      await d.page.goto(`${base}/console${path}`);
      await settled(d.page);
      const where = `${name} ${path}`;
      found.push(...(await violations(d.page, where)).map((v) => `${where}: ${v}`));
      if (name === 'phone') expect({ where, sideways: await sidewaysScroll(d.page) }).toEqual({ where, sideways: 0 });
      expect({ where, cutDates: await cutDates(d.page) }).toEqual({ where, cutDates: [] });
    }
    if (accountId === 'wuhang') {
      // An action dialog open over the whistle's page.
      await d.page.goto(`${base}/console/whistles/${waiting}?action=accept`);
      await d.page.getByRole('dialog', { name: /^受理：/ }).waitFor();
      found.push(...(await violations(d.page, `${name} accept dialog`)).map((v) => `${name} accept dialog: ${v}`));
    }
    if (accountId === 'xiguan') {
      // The filing form showing what is missing.
      await d.page.goto(`${base}/console/whistles/new`);
      await d.page.getByRole('button', { name: '吹哨', exact: true }).click();
      await d.page.locator('.el-form-item__error').first().waitFor();
      found.push(...(await violations(d.page, `${name} filing errors`)).map((v) => `${name} filing errors: ${v}`));
    }
    expect(d.problems).toEqual([]);
  } finally {
    await d.close();
  }
  return found;
}

/** Every page of `pages` on a desk at 200 % zoom: nothing scrolls sideways. */
async function zoomed(accountId: string, pages: string[]): Promise<void> {
  const z = await openDesk(browser, { viewport: ZOOM_200, deviceScaleFactor: 2 });
  try {
    await signIn(z, base, accountId);
    for (const path of pages) {
      await z.page.goto(`${base}/console${path}`);
      await settled(z.page);
      expect({ path, sideways: await sidewaysScroll(z.page) }).toEqual({ path, sideways: 0 });
    }
    expect(z.problems).toEqual([]);
  } finally {
    await z.close();
  }
}

describe.each(ROLES)('%s (%s)', (_role, accountId) => {
  test('no serious or critical axe violation on any page it opens, on a desk and on a phone; nothing scrolls sideways on the phone or at 200 % zoom', async () => {
    const pages = await pagesOf(accountId);
    // The desk, the phone and the zoomed desk are separate browser contexts: walked side by side.
    const [desk, phone] = await Promise.all([
      deskOrPhone(accountId, pages, 'desk'), deskOrPhone(accountId, pages, 'phone'), zoomed(accountId, pages),
    ]);
    expect([...desk, ...phone]).toEqual([]);
  });
});

test('the sign-in screen: no serious or critical axe violation on a desk or a phone, and its refusal too', async () => {
  for (const options of [{ viewport: DESKTOP }, { phone: true, viewport: PHONE }]) {
    const d = await openDesk(browser, options);
    try {
      d.expect(401, '/v1/sessions');
      await d.page.goto(`${base}/console/signin`);
      await d.page.getByLabel('账号').waitFor();
      expect(await violations(d.page, 'sign-in')).toEqual([]);
      await d.page.getByLabel('账号').fill('xiguan');
      await d.page.getByLabel('密码').fill('not-the-password');
      await d.page.getByRole('button', { name: '登录', exact: true }).click();
      await d.page.locator('[data-test=signin-error]').waitFor();
      expect(await violations(d.page, 'sign-in refused')).toEqual([]);
      expect(await sidewaysScroll(d.page)).toBe(0);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  }
});
