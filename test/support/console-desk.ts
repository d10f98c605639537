/**
 * A person at the console in the browser tests: a Chromium context of their own (so their own
 * sessionStorage), signed in through the sign-in screen, with a page watched for what goes wrong
 * (console errors, page errors, failed requests, refused answers) and the requests it makes.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** The browser, the worker and the read model each take a moment on a loaded machine. */
export const STEP_MS = 30_000;

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Desk {
  context: BrowserContext;
  page: Page;
  /** What went wrong in the page. */
  problems: string[];
  /** Every request the page made, in order, with when it was made. */
  requests: Array<{ at: number; method: string; path: string; search: string; type: string }>;
  /** A failure this test provokes on purpose (a request to `pathPrefix` failing or refused) is not a problem. */
  allowFailures(pathPrefix: string): void;
  close(): Promise<void>;
}

export async function openDesk(browser: Browser, viewport = DESKTOP): Promise<Desk> {
  // reducedMotion: no transitions, so axe reads each colour as it ends up (console/src/styles.css).
  const context = await browser.newContext({ viewport, locale: 'zh-CN', reducedMotion: 'reduce', ...(viewport === PHONE ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const problems: string[] = [];
  const requests: Desk['requests'] = [];
  const allowed: string[] = [];
  const isAllowed = (url: string) => allowed.some((p) => new URL(url).pathname.startsWith(p));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium reports a refused or failed request as "Failed to load resource"; the handlers below judge those.
    if (/^Failed to load resource/.test(msg.text()) && msg.location().url && isAllowed(msg.location().url)) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    requests.push({ at: Date.now(), method: request.method(), path: url.pathname, search: url.search, type: request.resourceType() });
  });
  page.on('requestfailed', (request) => {
    // A request still in flight when the page goes away (or the console closes it) is cancelled, not failed.
    if (request.failure()?.errorText === 'net::ERR_ABORTED' || isAllowed(request.url())) return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !isAllowed(response.url())) problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  return {
    context, page, problems, requests,
    allowFailures: (pathPrefix) => { allowed.push(pathPrefix); },
    close: () => context.close(),
  };
}

/** Signs in through the sign-in screen with the dev password `dev-<accountId>`, then opens `path`. */
export async function signIn(d: Desk, base: string, accountId: string, path = '/console/'): Promise<void> {
  await d.page.goto(`${base}/console/`);
  await d.page.waitForURL(/\/console\/signin/);
  await d.page.getByLabel('账号').fill(accountId);
  await d.page.getByLabel('密码').fill(`dev-${accountId}`);
  await d.page.getByRole('button', { name: '登录', exact: true }).click();
  await d.page.waitForURL((url) => !url.pathname.startsWith('/console/signin'));
  if (path !== '/console/') await d.page.goto(`${base}${path}`);
}
