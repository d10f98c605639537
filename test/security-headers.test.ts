/**
 * Content Security Policy without inline script: every response forbids inline scripts
 * (`script-src 'self'`), and the pages the service serves — the API docs (/docs) and the public
 * notice board (/board/:communityId) — still render in a real browser (Debian's Chromium) with no
 * console error and no CSP violation.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { filing, quietPolicy, startStack, type Stack } from './support/stack';

let stack: Stack;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ policy: quietPolicy(900) });
  const w = await stack.call('mofan', 'POST', '/v1/whistles', filing({ title: '模范社区路灯不亮' }));
  await stack.call('yingqian', 'POST', `/v1/whistles/${w.body.id}/accept`);
  await stack.call('yingqian', 'POST', `/v1/whistles/${w.body.id}/resolve`, { result: '已修复' });
  baseUrl = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens `url`; everything the console said at error level, and every CSP violation the page saw. */
async function visit(url: string, ready: (page: Page) => Promise<unknown>): Promise<string[]> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");
  try {
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await ready(page);
    await page.waitForTimeout(300);
  } finally {
    await page.close();
  }
  return problems;
}

describe('Content Security Policy', () => {
  test.each(['/healthz', '/v1/categories', '/board/mofan', '/v1/communities/mofan/board', '/docs', '/docs/static/index.html', '/no-such-route'])(
    '%s forbids inline script', async (url) => {
      const res = await stack.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      const script = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? /(?:^|;)\s*default-src ([^;]*)/.exec(csp)?.[1];
      expect(script).toBeDefined();
      expect(script).not.toContain("'unsafe-inline'");
      expect(csp).not.toContain("'unsafe-eval'");
    });

  test('the API docs page renders its operations with no console error or CSP violation', async () => {
    const problems = await visit(`${baseUrl}/docs`, (page) => page.locator('.opblock').first().waitFor({ timeout: 20_000 }));
    expect(problems).toEqual([]);
  });

  test('the public notice board page renders with no console error or CSP violation', async () => {
    const problems = await visit(`${baseUrl}/board/mofan`, async (page) => {
      expect(await page.locator('td.title').allTextContents()).toContain('模范社区路灯不亮');
      // Its inline stylesheet applies (the heading's letter spacing is the stylesheet's, not the browser's).
      const spacing = await page.locator('h1').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).letterSpacing);
      expect(spacing).not.toBe('normal');
    });
    expect(problems).toEqual([]);
  });
});
