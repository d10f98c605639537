/**
 * `npm run bench:console`: how long the staff console takes to show a clerk's queue (待办), in
 * headless Chromium against the API as `npm run api` serves it, on this machine:
 *
 *   - first load: a new browser (empty cache) opens /console/, signs in as the street clerk and
 *     waits for the queue's rows; also a cold open of the queue with the session already held;
 *   - reload: the same page reloaded (assets from the browser's cache);
 *   - refresh: a whistle filed through the API until its row shows in the open queue, without a
 *     reload (the queue follows the live-update stream, GET /v1/events);
 *   - the poll itself: GET /v1/whistles?holder=me&sort=due answered 200 (body) and 304 (ETag).
 *
 * Starts its own Temporal dev server, database, worker and API, builds the console when it is
 * missing or stale, and removes everything at the end. BENCH_CONSOLE_RUNS (default 8) runs of
 * each; BENCH_CONSOLE_QUEUE (default 40) whistles in the clerk's queue.
 */
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../lib/console-build';
import { medianSpreadMs, sleep } from './measure';
import { call, cleanupAll, createDatabase, benchDir, startApi, startTemporal, startWorker } from './stack';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 8);
const QUEUE = Number(process.env.BENCH_CONSOLE_QUEUE ?? 40);
const CLERK = 'wuhang';
const COMMUNITIES = ['xiguan', 'dongguan', 'zhenghe'];
const TASK_QUEUE = 'bench-console';


function filingBody(title: string) {
  return { title, description: '测量工作台待办刷新用的事项。', category: 'utilities', location: { address: '测量用地址' } };
}

async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.waitForURL(/\/console\/signin/);
  await page.getByLabel('账号').fill(CLERK);
  await page.getByLabel('密码').fill(`dev-${CLERK}`);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

const rows = (page: Page) => page.locator('[data-test=queue] .el-table__row');

async function main() {
  const dir = benchDir();
  await ensureConsoleBuilt((m) => console.log(m));
  console.log('starting Temporal, PostgreSQL database, worker and API …');
  const temporal = await startTemporal(dir);
  const db = await createDatabase('console');
  await startWorker(dir, 'worker', temporal, db.url, TASK_QUEUE);
  const api = await startApi(dir, 'api', temporal, db.url, TASK_QUEUE, { env: { LOG_LEVEL: 'warn' } });
  const base = api.url;

  console.log(`filing ${QUEUE} whistles for ${CLERK}'s queue …`);
  for (let i = 0; i < QUEUE; i++) {
    await call(base, COMMUNITIES[i % COMMUNITIES.length], 'POST', '/v1/whistles', filingBody(`测量事项 ${i + 1}`), 201);
  }
  // Every whistle filed is in the read model (and so in the queue) before the clock starts.
  for (;;) {
    const page = (await call(base, CLERK, 'GET', '/v1/whistles?holder=me&limit=100')).body;
    if (page.items.length >= QUEUE) break;
    await sleep(200);
  }

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const signInToQueue: number[] = [];
  const coldQueue: number[] = [];
  const reload: number[] = [];
  const refresh: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // First load: empty cache, sign in, wait for the rows.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const t0 = performance.now();
      await signIn(page, base);
      await rows(page).first().waitFor();
      signInToQueue.push(performance.now() - t0);
      const session = await page.evaluate<string | null>("sessionStorage.getItem('whistle.console.session')");

      // Reload: assets cached, the session kept in sessionStorage.
      const t1 = performance.now();
      await page.reload();
      await rows(page).first().waitFor();
      reload.push(performance.now() - t1);

      // Refresh: a new whistle shows in the open queue without a reload, the page open a moment
      // (its stream up, and the reload that follows a stream's start done).
      await page.getByText('实时更新', { exact: false }).waitFor();
      await page.waitForTimeout(1_000);
      const title = `新吹哨 ${randomBytes(3).toString('hex')}`;
      const t2 = performance.now();
      await call(base, 'xiguan', 'POST', '/v1/whistles', filingBody(title), 201);
      await page.locator('[data-test=queue]').getByText(title).waitFor();
      refresh.push(performance.now() - t2);
      await context.close();

      // Cold open of the queue with a session already held (a new tab of a signed-in clerk).
      const cold = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      await cold.addInitScript(`sessionStorage.setItem('whistle.console.session', ${JSON.stringify(session ?? '')})`);
      const coldPage = await cold.newPage();
      const t3 = performance.now();
      await coldPage.goto(`${base}/console/queue`);
      await rows(coldPage).first().waitFor();
      coldQueue.push(performance.now() - t3);
      await cold.close();
    }
  } finally {
    await browser.close();
  }

  // The poll request alone, as the console sends it: with a body (200) and unchanged (304).
  const created = await fetch(`${base}/v1/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: CLERK, password: `dev-${CLERK}` }),
  });
  const token = ((await created.json()) as { token: string }).token;
  const url = `${base}/v1/whistles?holder=me&sort=due&limit=100`;
  const full: number[] = [];
  const notModified: number[] = [];
  let bytes = 0;
  let etag = '';
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    full.push(performance.now() - t);
    bytes = Buffer.byteLength(body);
    etag = res.headers.get('etag') ?? '';
  }
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'if-none-match': etag } });
    await res.text();
    if (res.status !== 304) throw new Error(`expected 304, got ${res.status}`);
    notModified.push(performance.now() - t);
  }

  console.log('');
  console.log(`staff console, clerk ${CLERK}, ${QUEUE}+ whistles in the queue, ${RUNS} runs (headless Chromium, this machine):`);
  console.log(`  first load (new browser, sign in → queue rows):   ${medianSpreadMs(signInToQueue)}`);
  console.log(`  cold open of /console/queue, session held:         ${medianSpreadMs(coldQueue)}`);
  console.log(`  reload (cached assets) → queue rows:               ${medianSpreadMs(reload)}`);
  console.log(`  refresh: whistle filed → row in the open queue:    ${medianSpreadMs(refresh)}  (live-update stream, no reload)`);
  console.log(`  poll GET holder=me&sort=due, 200 (${(bytes / 1024).toFixed(1)} KB body):   ${medianSpreadMs(full)}`);
  console.log(`  poll GET holder=me&sort=due, 304 (If-None-Match):  ${medianSpreadMs(notModified)}`);
}

main().then(() => cleanupAll()).then(() => process.exit(0)).catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
