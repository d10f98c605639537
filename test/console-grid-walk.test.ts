/**
 * A grid's whistle on a phone (390 × 844, touch), walked by the visible Chinese labels: a grid
 * (网格, under 西关社区) and its account (网格员) are set up through the library; the 网格员 signs
 * in, files a whistle for their own grid with a photo from the camera (a JPEG carrying EXIF with a
 * GPS position) and the position the browser gives; the street (吴航街道) accepts it and resolves
 * it with an "after" photo; the community (西关社区) sees both photos and evaluates. Every page and
 * dialog visited is checked by axe; any console error or failed request fails the test; the photos
 * downloaded back through the API carry no EXIF and no XMP. With WRITE_SCREENSHOTS=1 the phone's
 * pages are saved to docs/phone-grid-*.png.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import sharp from 'sharp';
import type { Browser, Locator, Page } from 'playwright-core';
import { createAccount, setPassword } from '../lib/accounts';
import {
  act, actionDialog, choose, docsScreenshot, menu, openDesk, sidewaysScroll, signIn, status, tapWhistle, whistleCard, withDesks,
} from './support/console-browser';
import { phonePhoto } from './support/photos';
import { tempDir } from './support/processes';
import { unitPrefix } from './support/setup-helpers';
import { type Stack } from './support/stack';
import { TEST_PEPPER } from './support/constants';
import { consoleUnderTest } from './support/console-stack';

jest.setTimeout(300_000);

/** 西关社区, where the 网格员 stands. */
const HERE = { latitude: 25.963581, longitude: 119.521904, accuracy: 8 };

let stack: Stack;
let browser: Browser;
let base: string;
const folder = tempDir('whistle-console-grid-walk');

consoleUnderTest((c) => ({ stack, browser, base } = c), { ownDatabase: 'console-grid-walk', env: { STORAGE_URL: `file:${folder}` } });

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

/** The grid and its account, set up as the district would: the unit by an import, the account by the administrator. */
const p = unitPrefix('gw');
const GRID = { id: `${p}-grid`, name: '西关第三网格' };
const GRID_ACCOUNT = `${p}-clerk`;
const GRID_PASSWORD = 'Grid-walk-2025!';
/** The grid account's API key (shown once when the account is made). */
let gridKey: string;

beforeAll(async () => {
  const csv = ['id,kind,name,parentId', `${GRID.id},grid,${GRID.name},xiguan`].join('\r\n');
  const imported = await stack.call('admin', 'POST', '/v1/orgs/import', csv, { 'content-type': 'text/csv; charset=utf-8' });
  expect(imported).toMatchObject({ status: 200, body: { created: [GRID.id] } });
  gridKey = (await createAccount(stack.pool, TEST_PEPPER, 'test:grid-walk', { org: GRID.id, role: 'community', id: GRID_ACCOUNT, name: '网格员' })).key;
  await setPassword(stack.pool, 'test:grid-walk', GRID_ACCOUNT, GRID_PASSWORD);
});

/** An <img> as the page has it (the tests are compiled without the DOM's types). */
interface Img { naturalWidth: number }

/** The "after" photo, taken by the street's phone: EXIF with the camera and a GPS position too. */
async function afterPhoto(): Promise<Buffer> {
  const pixels = await sharp({ create: { width: 480, height: 360, channels: 3, background: { r: 60, g: 170, b: 220 } } }).jpeg().toBuffer();
  return sharp(pixels)
    .withExif({
      IFD0: { Make: 'StreetPhone', Model: 'Test 2' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '25/1 57/1 48/1', GPSLongitudeRef: 'E', GPSLongitude: '119/1 31/1 18/1' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The metadata a photo carries: EXIF (with GPS) and XMP. */
async function carried(bytes: Buffer): Promise<{ exif: boolean; xmp: boolean }> {
  const m = await sharp(bytes).metadata();
  return { exif: m.exif !== undefined, xmp: m.xmp !== undefined };
}

/** A photo as the API serves it to the holder of `key` (GET /v1/attachments/:id, or its thumbnail). */
async function download(key: string, id: string, thumbnail = false): Promise<{ status: number; contentType: string; bytes: Buffer }> {
  const res = await stack.app.inject({ method: 'GET', url: `/v1/attachments/${id}${thumbnail ? '/thumbnail' : ''}`, headers: { authorization: `Bearer ${key}` } });
  return { status: res.statusCode, contentType: String(res.headers['content-type']), bytes: res.rawPayload };
}

const screenshot = (page: Page, name: string, fullPage = false) => docsScreenshot(page, `phone-grid-${name}`, { fullPage });

/** Every axe violation found on the page as it is now, with where. */
const axeFound: string[] = [];
async function axe(page: Page, where: string) {
  const result = await new AxeBuilder({ page }).analyze();
  for (const v of result.violations) {
    axeFound.push(`${where}: ${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

/** The page fits the phone's width, and axe finds nothing on it. */
async function checked(page: Page, where: string) {
  expect({ where, sideways: await sidewaysScroll(page) }).toEqual({ where, sideways: 0 });
  await axe(page, where);
}

/**
 * Checks the action's dialog (checked, at `where`), saves its picture `name`, sends it with 确定`label`
 * and waits for the whistle's status `then`.
 */
async function send(page: Page, dialog: Locator, label: string, where: string, name: string, then: string) {
  await checked(page, where);
  await screenshot(page, name);
  await dialog.getByRole('button', { name: `确定${label}`, exact: true }).tap();
  await dialog.waitFor({ state: 'hidden' });
  await status(page, then);
}

/** Waits until the photo's thumbnail (by its label, e.g. 查看照片：办结) has drawn its picture. */
async function thumbShown(page: Page, label: string): Promise<Locator> {
  const img = page.locator('[data-test=photos]').getByRole('button', { name: label }).locator('img');
  await img.waitFor();
  await page.waitForFunction((el) => (el as unknown as Img).naturalWidth > 0, await img.elementHandle());
  return img;
}

test('on a phone, a 网格员 files a whistle with a photo and its position; the street accepts and resolves it with an "after" photo; the community evaluates; the photos come back without EXIF or GPS', async () => {
  const title = `西关网格巷道垃圾堆积${randomBytes(2).toString('hex').toUpperCase()}`;
  const before = await phonePhoto();
  const after = await afterPhoto();
  // The photos as taken carry EXIF with a GPS position (so the check below can fail).
  expect(await carried(before)).toMatchObject({ exif: true });
  expect(await carried(after)).toMatchObject({ exif: true });
  await withDesks(async (desks) => {
    // 网格员: signs in with a password, lands on the queue, opens 吹哨 from the menu drawer.
    const grid = await openDesk(browser, { phone: true, permissions: ['geolocation'], geolocation: HERE });
    desks.push(grid);
    await signIn(grid, base, GRID_ACCOUNT, GRID_PASSWORD);
    const g = grid.page;
    await g.waitForURL(/\/console\/queue/);
    await g.locator('.page-title').first().waitFor();
    // The header names the grid and calls its account what it is: 网格员, not 社区.
    expect(await g.locator('[data-test=who] .role').textContent()).toBe('网格员');
    await checked(g, 'grid queue');
    await menu(g, '吹哨');
    await g.waitForURL(/\/console\/whistles\/new$/);
    // The grid files for its own grid: the form names it, and asks for no community's grid.
    await g.locator('[data-test=own-place]').getByText(GRID.name, { exact: true }).waitFor();
    await g.getByLabel('事项标题').fill(title);
    await g.getByLabel('情况描述').fill('巷口垃圾堆积三天无人清运，气味很大。');
    await choose(g, g.locator('form'), '类别', '环境卫生');
    await g.getByLabel('详细地址').fill('西关巷12号旁');
    // 添加照片: a photo from the camera.
    await g.getByRole('button', { name: '添加照片' }).waitFor();
    await g.locator('[data-test=photo-input]').setInputFiles({ name: 'IMG_2001.jpg', mimeType: 'image/jpeg', buffer: before });
    const picked = g.locator('[data-test=picked-photo]');
    await picked.waitFor();
    await picked.getByText('上传中…').waitFor({ state: 'detached' });
    // 使用当前位置: the browser gives the position the person allowed.
    await g.getByRole('button', { name: '使用当前位置' }).tap();
    await g.locator('[data-test=location-shown]').getByText('北纬 25.96358').waitFor();
    await checked(g, 'grid filing form');
    await screenshot(g, 'file', true);
    await g.getByRole('button', { name: '吹哨', exact: true }).tap();
    await g.waitForURL((url) => /^\/console\/whistles\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    const id = new URL(g.url()).pathname.split('/').pop()!;
    await status(g, '待街道受理');
    await thumbShown(g, '查看照片：上报时');
    await checked(g, 'grid whistle page');
    await screenshot(g, 'whistle', true);
    const filed = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    expect(filed).toMatchObject({
      title, category: 'environment', communityId: 'xiguan',
      location: { communityId: 'xiguan', grid: GRID.id, address: '西关巷12号旁', lat: HERE.latitude, lng: HERE.longitude },
    });
    // Stored upright (the camera's orientation applied): 200 × 400.
    expect(filed.attachments).toEqual([expect.objectContaining({ contentType: 'image/jpeg', width: 200, height: 400, stage: 'filing', uploadedBy: GRID_ACCOUNT })]);

    // 街道: finds it in the queue, accepts, resolves with an "after" photo.
    const street = await openDesk(browser, { phone: true });
    desks.push(street);
    await signIn(street, base, 'wuhang');
    const s = street.page;
    await s.waitForURL(/\/console\/queue/);
    const card = await whistleCard(s, 'queue', title);
    await checked(s, 'street queue');
    await screenshot(s, 'queue');
    await tapWhistle(s, card, title, id);
    await thumbShown(s, '查看照片：上报时');
    await checked(s, 'street whistle page');
    await act(s, '受理');
    await status(s, '街道办理中');
    await s.getByRole('button', { name: '办结', exact: true }).tap();
    const resolve = actionDialog(s, '办结');
    await resolve.waitFor();
    await resolve.getByLabel('办理结果').fill('已组织保洁清运巷口垃圾，并增设分类垃圾桶两个。');
    await resolve.getByText('已解决', { exact: true }).tap();
    await resolve.getByRole('button', { name: '添加照片' }).waitFor();
    await resolve.locator('[data-test=photo-input]').setInputFiles({ name: 'IMG_3001.jpg', mimeType: 'image/jpeg', buffer: after });
    const afterPicked = resolve.locator('[data-test=picked-photo]');
    await afterPicked.waitFor();
    await afterPicked.getByText('上传中…').waitFor({ state: 'detached' });
    await send(s, resolve, '办结', 'street resolve dialog', 'resolve', '已办结待评价');
    await thumbShown(s, '查看照片：办结');

    // 社区: finds it in its own list, sees both photos, evaluates.
    const community = await openDesk(browser, { phone: true });
    desks.push(community);
    await signIn(community, base, 'xiguan');
    const c = community.page;
    await menu(c, '本社区事项');
    await c.waitForURL(/\/console\/whistles$/);
    const row = await whistleCard(c, 'whistle-table', title);
    await checked(c, 'community list');
    await tapWhistle(c, row, title, id);
    await thumbShown(c, '查看照片：上报时');
    const afterThumb = await thumbShown(c, '查看照片：办结');
    await c.locator('[data-test=photos]').getByText('照片（2）').waitFor();
    await checked(c, 'community whistle page');
    // The "after" photo in full, on a tap.
    await afterThumb.tap();
    const full = c.locator('.el-image-viewer__wrapper img');
    await full.waitFor();
    await c.waitForFunction((el) => (el as unknown as Img).naturalWidth > 0, await full.elementHandle());
    expect(await full.evaluate((el) => (el as unknown as Img).naturalWidth)).toBe(480);
    await screenshot(c, 'after-photo');
    await c.keyboard.press('Escape');
    await full.waitFor({ state: 'detached' });
    await c.getByRole('button', { name: '评价', exact: true }).tap();
    const evaluate = actionDialog(c, '评价');
    await evaluate.waitFor();
    await evaluate.getByText('满意', { exact: true }).tap();
    await evaluate.getByLabel('意见').fill('清运及时，网格员反映到位。');
    await send(c, evaluate, '评价', 'community evaluate dialog', 'evaluate', '已办结');
    await checked(c, 'community whistle page, closed');
    await screenshot(c, 'closed', true);

    // The grid sees the end of its whistle too.
    await g.reload();
    await status(g, '已办结');
    await thumbShown(g, '查看照片：办结');

    // What the API serves back: both photos (and their thumbnails) without EXIF (so no GPS) or XMP.
    const done = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    expect(done.evaluation).toMatchObject({ rating: 'satisfied' });
    expect(done.attachments).toEqual([
      expect.objectContaining({ stage: 'filing', uploadedBy: GRID_ACCOUNT }),
      expect.objectContaining({ stage: 'resolve', uploadedBy: 'wuhang', width: 480, height: 360 }),
    ]);
    for (const photo of done.attachments as Array<{ id: string; stage: string }>) {
      for (const thumbnail of [false, true]) {
        const got = await download(gridKey, photo.id, thumbnail);
        expect({ stage: photo.stage, thumbnail, status: got.status, contentType: got.contentType }).toEqual({ stage: photo.stage, thumbnail, status: 200, contentType: 'image/jpeg' });
        expect({ stage: photo.stage, thumbnail, ...(await carried(got.bytes)) })
          .toEqual({ stage: photo.stage, thumbnail, exif: false, xmp: false });
      }
    }

    expect(axeFound).toEqual([]);
  });
});
