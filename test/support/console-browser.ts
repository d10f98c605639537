/**
 * The staff console in a real browser (Debian's Chromium through playwright-core), for the
 * browser tests: a person's desk (their own browser context, so their own sessionStorage, on a
 * desktop or a 390 × 844 phone) watched for console errors, page errors, failed requests and
 * refused responses; signing in; the action dialogs and Element Plus selects by their visible
 * Chinese labels; the menu, from the side at a desk or from the drawer on a phone.
 */
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The browser, the worker and the read model each take a moment on a loaded machine. */
export const STEP_MS = 30_000;

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** A 1440 × 900 desk at 200 % browser zoom: half as many CSS pixels, each drawn twice as large. */
export const ZOOM_200 = { width: 720, height: 450 };

export const ACTION_LABELS: Record<string, string> = {
  accept: '受理', progress: '反馈进展', resolve: '办结', escalate: '上报区中心', triage: '分拨派单', return: '退单',
  urge: '督办', evaluate: '评价', withdraw: '撤回', 'request-extension': '申请延期', 'decide-extension': '审批延期', merge: '合并',
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A person at the console: their own browser context and a page watched for errors. */
export interface Desk {
  context: BrowserContext;
  page: Page;
  /** What went wrong in the page: console errors, page errors, failed requests, refused responses. */
  problems: string[];
  /** A response this test provokes on purpose (status and path prefix) is not a problem. */
  expect(status: number, pathPrefix: string): void;
  close(): Promise<void>;
}

export interface DeskOptions {
  viewport?: { width: number; height: number };
  /** A phone: touch, mobile viewport, a dense screen. */
  phone?: boolean;
  deviceScaleFactor?: number;
  /** Permissions granted to the console (e.g. geolocation) and the position the browser gives. */
  permissions?: string[];
  geolocation?: { latitude: number; longitude: number; accuracy?: number };
}

export async function openDesk(browser: Browser, options: DeskOptions = {}): Promise<Desk> {
  const context = await browser.newContext({
    viewport: options.viewport ?? (options.phone ? PHONE : DESKTOP), locale: 'zh-CN', acceptDownloads: true,
    // As a person who asked for less motion: no transitions, so axe reads each colour as it ends up.
    reducedMotion: 'reduce',
    ...(options.phone ? { isMobile: true, hasTouch: true } : {}),
    deviceScaleFactor: options.deviceScaleFactor ?? (options.phone ? 2 : 1),
    ...(options.geolocation ? { geolocation: options.geolocation } : {}),
    ...(options.permissions ? { permissions: options.permissions } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const problems: string[] = [];
  const expected: Array<[number, string]> = [];
  const isExpected = (status: number, url: string) => expected.some(([s, p]) => s === status && new URL(url).pathname.startsWith(p));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium reports every 4xx as "Failed to load resource"; the response handler below judges those.
    const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
    if (failed && msg.location().url && isExpected(Number(failed[1]), msg.location().url)) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (request) => {
    // A request still in flight when the test itself navigates the page away is cancelled, not failed.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !isExpected(response.status(), response.url())) {
      problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  return {
    context, page, problems,
    expect: (status, pathPrefix) => { expected.push([status, pathPrefix]); },
    close: () => context.close(),
  };
}

/**
 * A walk by several people: `walk` keeps each desk it opens in `desks`; afterwards no desk may have
 * had a problem, and every desk is closed, whatever happened.
 */
export async function withDesks(walk: (desks: Desk[]) => Promise<void>): Promise<void> {
  const desks: Desk[] = [];
  try {
    await walk(desks);
    for (const d of desks) expect(d.problems).toEqual([]);
  } finally {
    for (const d of desks) await d.close();
  }
}

/** With WRITE_SCREENSHOTS=1, the page as a picture for the docs (docs/`file`.png), once it has had `settleMs` to settle. */
export async function docsScreenshot(page: Page, file: string, options: { fullPage?: boolean; settleMs?: number } = {}): Promise<void> {
  if (process.env.WRITE_SCREENSHOTS !== '1') return;
  await page.waitForTimeout(options.settleMs ?? 500);
  await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', `${file}.png`), fullPage: options.fullPage });
}

/** Signs in through the sign-in screen with the dev password `dev-<accountId>`. */
export async function signIn(d: Desk, base: string, accountId: string, password = `dev-${accountId}`, from = '/console/'): Promise<void> {
  await d.page.goto(`${base}${from}`);
  await d.page.waitForURL(/\/console\/signin/);
  await d.page.getByLabel('账号').fill(accountId);
  await d.page.getByLabel('密码').fill(password);
  await d.page.getByRole('button', { name: '登录', exact: true }).click();
  await d.page.waitForURL((url) => !url.pathname.startsWith('/console/signin'));
}

/** Opens a page by its menu entry: the side menu at a desk, the drawer behind 菜单 on a phone. */
export async function menu(page: Page, title: string): Promise<void> {
  const button = page.locator('[data-test=menu-button]');
  if (await button.isVisible()) {
    await button.click();
    await page.locator('[data-test=menu-drawer]').getByRole('menuitem', { name: title }).click();
    await page.locator('[data-test=menu-drawer]').waitFor({ state: 'hidden' });
  } else {
    await page.getByRole('menuitem', { name: title }).click();
  }
}

/** The labels of the action buttons on a whistle page. */
export async function buttons(page: Page): Promise<string[]> {
  return (await page.locator('[data-test=actions] button').allInnerTexts()).map((t) => t.trim());
}

/** The dialog of an action, titled "<label>：<title>" (a date picker's popper is a dialog too). */
export function actionDialog(page: Page, label: string): Locator {
  return page.getByRole('dialog', { name: new RegExp(`^${label}：`) });
}

/** Opens an action's dialog by its button, lets `fill` fill the form, and sends it with 确定<label>. */
export async function act(page: Page, label: string, fill?: (dialog: Locator) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: label, exact: true }).click();
  const dialog = actionDialog(page, label);
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: `确定${label}`, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Picks `option` in the Element Plus select of the form item labelled `label`. */
export async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  const select = scope.locator('.el-form-item').filter({ hasText: label }).locator('.el-select');
  await select.click();
  await pick(page, select, option);
}

/** Clicks `option` in the dropdown of this select (its listbox, named by the combobox's aria-controls). */
async function pick(page: Page, select: Locator, option: string): Promise<void> {
  const listbox = await select.locator('[role=combobox]').getAttribute('aria-controls');
  await page.locator(`[id="${listbox}"] .el-select-dropdown__item`).filter({ hasText: new RegExp(`^${option}$`) }).click();
}

/**
 * Picks one more option in a multiple select: its dropdown stays open after a pick, and a click on
 * the select then may land on the dropdown's options, so it is opened only when it is not open.
 */
export async function pickMore(page: Page, select: Locator, option: string): Promise<void> {
  const listbox = await select.locator('[role=combobox]').getAttribute('aria-controls');
  const item = page.locator(`[id="${listbox}"] .el-select-dropdown__item`).filter({ hasText: new RegExp(`^${option}$`) });
  if (!(await item.isVisible())) await select.click();
  await item.click();
}

/** A whistle's card in the `list` (its data-test: the queue, or a list's whistle-table) by the whistle's title, once it is shown. */
export async function whistleCard(page: Page, list: 'queue' | 'whistle-table', title: string): Promise<Locator> {
  const card = page.locator(`[data-test=${list}] .whistle-card`).filter({ hasText: title });
  await card.waitFor();
  return card;
}

/** Opens the whistle `id` by a tap on its title in its card, as on a phone. */
export async function tapWhistle(page: Page, card: Locator, title: string, id: string): Promise<void> {
  await card.getByRole('link', { name: title }).tap();
  await page.waitForURL(new RegExp(`/console/whistles/${id}$`));
}

export async function status(page: Page, text: string): Promise<void> {
  await page.locator('[data-test=status]').filter({ hasText: text }).waitFor();
}

/** How far the page scrolls sideways (0: it fits its width). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** The dates a date picker on the page shows cut short (its input narrower than its text): none when every date reads whole. */
export function cutDates(page: Page): Promise<string[]> {
  return page.locator('.el-date-editor input').evaluateAll((inputs) => inputs
    .filter((i) => i.scrollWidth > i.clientWidth && (i as unknown as { value: string }).value !== '')
    .map((i) => (i as unknown as { value: string }).value));
}
