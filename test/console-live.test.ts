/**
 * The console follows the live-update stream (GET /v1/events) in a real browser: what one
 * person changes shows on another person's open page with no reload — a street's queue, a
 * whistle's page, the notifications badge — and no page polls while the stream is up; while it
 * is down they poll, and stop again once it is back. (How soon a change shows is measured by the
 * bench, not here.)
 */
import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, openDesk, PHONE, signIn, STEP_MS, type Desk } from './support/console-desk';
import { TEST_PEPPER } from './support/constants';
import { createDatabase, type ThrowawayDatabase } from './support/processes';
import { eventually, filing, quietPolicy, startStack, type Stack } from './support/stack';

jest.setTimeout(240_000);

/** Longer than two of the console's polling periods (5 s): a page that polls would ask at least twice. */
const TWO_POLLS_MS = 11_000;

// Its own database: the street's queue holds only what these tests file (a shared one would put
// other files' whistles on its first page, and their titles beside the page's own words).
let db: ThrowawayDatabase;
let stack: Stack;
let browser: Browser;
let base: string;
const desks: Desk[] = [];

beforeAll(async () => {
  db = await createDatabase('console-live', TEST_PEPPER);
  stack = await startStack({ policy: quietPolicy(3600), env: { DATABASE_URL: db.url } });
  base = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterEach(async () => {
  const problems = desks.flatMap((d) => d.problems);
  await Promise.all(desks.splice(0).map((d) => d.close()));
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await db?.drop();
});

async function deskOf(accountId: string, path: string, viewport = DESKTOP): Promise<Desk> {
  const d = await openDesk(browser, viewport);
  desks.push(d);
  await signIn(d, base, accountId, path);
  return d;
}

const unique = (what: string) => `${what}${randomBytes(3).toString('hex')}`;

async function file(title: string): Promise<string> {
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title }));
  expect(filed.status).toBe(201);
  return filed.body.id as string;
}

/** The page's requests for whistle lists from `since` on (GET /v1/whistles, the queue's and any list's). */
const listRequests = (d: Desk, since: number) => d.requests.filter((r) => r.at >= since && r.method === 'GET' && r.path === '/v1/whistles');

/**
 * The moment after which the queue has nothing more to ask by itself: its reloads for the last
 * events and the one that follows a stream's start (it may have missed a change) come within
 * half a second of the later of its previous request and now; 1.5 s without one is past them.
 */
async function caughtUp(d: Desk): Promise<number> {
  const from = Date.now();
  return eventually(async () => {
    const last = Math.max(from, listRequests(d, 0).at(-1)?.at ?? 0);
    return Date.now() - last >= 1_500 ? Date.now() : false;
  }, STEP_MS, 'the queue caught up after the stream came back');
}

test('a whistle filed by the community shows in the street\'s open queue, and its status changes there, with no reload and no polling', async () => {
  const street = await deskOf('wuhang', '/console/queue');
  await street.page.locator('[data-test=freshness]', { hasText: '实时更新' }).waitFor();

  // The community files through the API: the row appears in the open queue.
  const title = unique('西关社区路灯不亮');
  const id = await file(title);
  const row = street.page.locator('[data-test=queue] .el-table__row', { hasText: title });
  await row.getByText('待街道受理').waitFor();

  // From here the stream is up and has delivered: once the reloads it caused are done (a second
  // one follows when the event came while a reload was on its way), the queue asks for nothing.
  const quietFrom = await caughtUp(street);
  await street.page.waitForTimeout(TWO_POLLS_MS);
  expect(listRequests(street, quietFrom)).toEqual([]);

  // Another clerk of the street accepts it through the API: the row's status changes in place.
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`, {}, { 'idempotency-key': unique('accept-') })).status).toBe(200);
  await row.getByText('街道办理中').waitFor();
  // The list was asked for again (the event's reload), and the page itself never reloaded.
  expect(listRequests(street, quietFrom).length).toBeGreaterThanOrEqual(1);
  expect(street.requests.filter((r) => r.at >= quietFrom && r.type === 'document')).toEqual([]);
});

test('a whistle\'s page changes its status live when the community withdraws it in its own browser (phone)', async () => {
  const title = unique('长者食堂门口积水');
  const id = await file(title);
  const street = await deskOf('wuhang', `/console/whistles/${id}`, PHONE);
  await street.page.locator('[data-test=status]', { hasText: '待街道受理' }).waitFor();
  await street.page.locator('[data-live=up]').waitFor();

  const community = await deskOf('xiguan', `/console/whistles/${id}`);
  await community.page.getByRole('button', { name: '撤回', exact: true }).click();
  const dialog = community.page.getByRole('dialog', { name: /^撤回：/ });
  await dialog.locator('textarea').first().fill('居民已自行处理');
  await dialog.getByRole('button', { name: '确定撤回', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  await street.page.locator('[data-test=status]', { hasText: '已撤回' }).waitFor();
  await street.page.getByText('当前无可办理的操作').waitFor();
});

test('the notifications badge counts up as the supervisor urges the street\'s whistles', async () => {
  const first = await file(unique('小区消防通道堵塞'));
  const second = await file(unique('垃圾清运不及时'));
  const street = await deskOf('wuhang', '/console/queue');
  await street.page.locator('[data-test=freshness]', { hasText: '实时更新' }).waitFor();
  const badge = street.page.locator('[data-test=unread]');
  await expect(badge.count()).resolves.toBe(0);

  const urge = (id: string) => stack.call('supervision', 'POST', `/v1/whistles/${id}/urge`, { note: '请尽快受理' }, { 'idempotency-key': unique('urge-') });
  expect((await urge(first)).status).toBe(200);
  await badge.getByText('1', { exact: true }).waitFor();
  expect((await urge(second)).status).toBe(200);
  await badge.getByText('2', { exact: true }).waitFor();

  // The inbox shows them, and the badge goes back to nothing.
  await street.page.getByRole('menuitem', { name: /通知/ }).click();
  await street.page.locator('[data-test=notifications]').getByText('请尽快受理').first().waitFor();
  await badge.waitFor({ state: 'detached' });
});

test('while the stream is down the queue polls, and it stops polling once the stream is back', async () => {
  const street = await openDesk(browser);
  desks.push(street);
  street.allowFailures('/v1/events');
  let blocked = true;
  await street.page.route('**/v1/events', (route) => (blocked ? route.abort('connectionrefused') : route.continue()));
  await signIn(street, base, 'wuhang', '/console/queue');
  await street.page.locator('[data-test=freshness]', { hasText: '每 5 秒自动刷新' }).waitFor();

  // Down: a whistle filed meanwhile shows by polling.
  const downFrom = Date.now();
  const title = unique('桥下堆放杂物');
  await file(title);
  await street.page.locator('[data-test=queue] .el-table__row', { hasText: title }).waitFor();
  await eventually(async () => listRequests(street, downFrom).length >= 2, STEP_MS, 'the queue polling twice');

  // Back: the console reconnects by itself (its pause after failures is at most 30 s) and stops polling.
  blocked = false;
  await street.page.locator('[data-test=freshness]', { hasText: '实时更新' }).waitFor({ timeout: 45_000 });
  const quietFrom = await caughtUp(street);
  await street.page.waitForTimeout(TWO_POLLS_MS);
  expect(listRequests(street, quietFrom)).toEqual([]);
  const later = unique('井盖缺失');
  await file(later);
  await street.page.locator('[data-test=queue] .el-table__row', { hasText: later }).waitFor();
});
