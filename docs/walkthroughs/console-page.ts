/**
 * The walkthroughs' console in Chromium: a 1440 × 900 desk in zh-CN whose refused answers are
 * printed, and signing in on the sign-in screen.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Chromium and a page at a 1440 × 900 desk; every answer of 400 or more is printed as it comes. */
export async function openConsole(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('response', (r) => { if (r.status() >= 400) console.log(`  (answer ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname})`); });
  return { browser, page };
}

/** Opens the console at `base`, is sent to the sign-in screen, and signs in as `account` with `password`. */
export async function signIn(page: Page, base: string, account: string, password: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.waitForURL(/\/console\/signin/);
  await page.getByLabel('账号').fill(account);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}
