/**
 * The operators' view in a real browser: the Temporal Web UI of the test run's dev server,
 * driven by headless Chromium. A whistle filed and escalated through the API shows up in the
 * list filtered by its search attribute, and its page shows the readable summary and the
 * current details. With WRITE_SCREENSHOTS=1 the pages are saved to docs/temporal-ui-*.png.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually, filing, startStack, type Stack } from './support/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI = `http://127.0.0.1:${process.env.WHISTLE_TEST_UI_PORT}`;
const DOCS = path.join(__dirname, '..', 'docs');
const SCREENSHOTS = process.env.WRITE_SCREENSHOTS === '1';

/** The UI, the browser and the visibility store each take a moment: be generous. */
const STEP_MS = 30_000;
jest.setTimeout(180_000);

let stack: Stack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  page.setDefaultTimeout(STEP_MS);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Waits until some frame of the page (the UI puts rendered markdown in iframes) shows `text`. */
async function textInSomeFrame(text: string | RegExp): Promise<void> {
  await eventually(async () => {
    for (const frame of page.frames()) {
      const shown = await frame.locator('body').innerText({ timeout: 2000 }).catch(() => '');
      if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return true;
    }
    return false;
  }, STEP_MS, `"${String(text)}" on the page`);
}

async function screenshot(name: string) {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(DOCS, name) });
}

test('an escalated whistle is found in the Temporal UI by WhistleStatus and its page shows the summary', async () => {
  // A title of its own, so the list and the summary can only match this whistle.
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const title = `滨江路井盖缺失 ${tag}`;
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({
    title, category: 'roads', location: { address: '滨江路与西关路交叉口' },
  }));
  expect(filed.status).toBe(201);
  const id: string = filed.body.id;
  const workflowId = `whistle-${id}`;
  const escalated = await stack.call('wuhang', 'POST', `/v1/whistles/${id}/escalate`, { reason: '涉及市政设施，街道无权处理' });
  expect(escalated.status).toBe(200);
  expect(escalated.body.status).toBe('escalated');

  // Visibility lags the workflow by a moment: wait until the list query itself finds it.
  await eventually(async () => {
    for await (const w of stack.client.workflow.list({ query: `WorkflowId="${workflowId}" AND WhistleStatus="escalated"` })) {
      return w.workflowId === workflowId;
    }
    return false;
  }, STEP_MS, 'the escalated status in the visibility store');

  // The list, filtered as an operator's saved view would be.
  const query = encodeURIComponent('WhistleStatus="escalated"');
  const link = page.locator(`a[href*="/workflows/${workflowId}/"]`).first();
  await eventually(async () => {
    await page.goto(`${UI}/namespaces/default/workflows?query=${query}`, { waitUntil: 'domcontentloaded' });
    await link.waitFor({ state: 'visible', timeout: 10_000 });
    return true;
  }, 90_000, `${workflowId} in the list of escalated whistles`);
  await page.getByText('WhistleStatus', { exact: false }).first().waitFor();
  await screenshot('temporal-ui-list.png');

  // The whistle's page: the summary set at filing and the details the workflow keeps current.
  await link.click();
  await page.waitForURL(new RegExp(`/workflows/${workflowId}/`));
  await page.getByText(workflowId, { exact: true }).first().waitFor();
  await page.getByText('User Metadata', { exact: true }).click();
  // The UI renders each markdown text (summary, details, current details) in its own frame.
  const summary = `${title} — 西关社区 · 道路交通`;
  await textInSomeFrame(summary);
  // setCurrentDetails is markdown: "**Status:** escalated" is shown as "Status: escalated".
  await textInSomeFrame(/Status:\s*escalated/);
  await textInSomeFrame(/Holder:\s*center/);
  await screenshot('temporal-ui-whistle.png');
});
