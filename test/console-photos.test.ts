/**
 * Photos in the console on a phone (390 × 844, touch): a community's clerk files a whistle with a
 * photo picked by 添加照片 (uploaded as it is picked, sent as attachmentIds); the whistle's page
 * shows its thumbnail (fetched with the session's token) and the full photo on a tap; the street
 * sees it too. Any console error or failed request in a page fails the test.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, Locator } from 'playwright-core';
import { choose, openDesk, sidewaysScroll, signIn, withDesks } from './support/console-browser';
import { plainImage } from './support/photos';
import { tempDir } from './support/processes';
import { type Stack } from './support/stack';
import { consoleUnderTest } from './support/console-stack';

jest.setTimeout(300_000);

let stack: Stack;
let browser: Browser;
let base: string;
const folder = tempDir('whistle-console-photos');

consoleUnderTest((c) => ({ stack, browser, base } = c), { env: { STORAGE_URL: `file:${folder}` } });

afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

/** An <img> as the page has it (the tests are compiled without the DOM's types). */
interface Img { complete: boolean; naturalWidth: number }

/** Whether the page's image has loaded (a decoded picture, not a broken one). */
const loaded = (img: Locator) => img.evaluate((el) => (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0);

test('on a phone, a community files a whistle with a photo; the page shows its thumbnail and the full photo, to the street too', async () => {
  const title = `西关小区井盖破损${randomBytes(2).toString('hex').toUpperCase()}`;
  await withDesks(async (desks) => {
    const community = await openDesk(browser, { phone: true });
    desks.push(community);
    await signIn(community, base, 'xiguan');
    const c = community.page;
    await c.goto(`${base}/console/whistles/new`);
    await c.getByLabel('事项标题').fill(title);
    await choose(c, c.locator('form'), '类别', '道路交通');
    await c.getByLabel('情况描述').fill('井盖破损，行人易绊倒。');

    // 添加照片: the camera or the gallery; here a picture from the gallery.
    await c.getByRole('button', { name: '添加照片' }).waitFor();
    await c.locator('[data-test=photo-input]').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: await plainImage('jpeg', 640, 480) });
    const picked = c.locator('[data-test=picked-photo]');
    await picked.waitFor();
    await picked.getByText('上传中…').waitFor({ state: 'detached' });
    expect(await loaded(picked.locator('img'))).toBe(true);
    expect(await sidewaysScroll(c)).toBe(0);

    await c.getByRole('button', { name: '吹哨', exact: true }).tap();
    await c.waitForURL((url) => /^\/console\/whistles\/[A-Za-z0-9_-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    const id = new URL(c.url()).pathname.split('/').pop()!;
    const filed = (await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).body;
    expect(filed.attachments).toEqual([expect.objectContaining({ contentType: 'image/jpeg', width: 640, height: 480, stage: 'filing', uploadedBy: 'xiguan' })]);
    expect(filed.timeline[0].attachmentIds).toEqual([filed.attachments[0].id]);

    // The page: the thumbnail, then the full photo on a tap.
    const photos = c.locator('[data-test=photos]');
    await photos.getByText('照片（1）').waitFor();
    const thumb = photos.locator('[data-test=photo-thumb] img');
    await thumb.waitFor();
    await c.waitForFunction((el) => (el as unknown as Img).naturalWidth > 0, await thumb.elementHandle());
    expect(await thumb.evaluate((el) => (el as unknown as Img).naturalWidth)).toBeLessThanOrEqual(320);
    await c.locator('[data-test=timeline] [data-test=entry-photos]').getByText('附照片 1 张').waitFor();
    await photos.locator('[data-test=photo-thumb]').tap();
    const full = c.locator('.el-image-viewer__wrapper img');
    await full.waitFor();
    await c.waitForFunction((el) => (el as unknown as Img).naturalWidth > 0, await full.elementHandle());
    expect(await full.evaluate((el) => (el as unknown as Img).naturalWidth)).toBe(640);
    expect(await sidewaysScroll(c)).toBe(0);

    // The street, whose whistle it is, sees the photo as well.
    const street = await openDesk(browser, { phone: true });
    desks.push(street);
    await signIn(street, base, 'wuhang');
    await street.page.goto(`${base}/console/whistles/${id}`);
    const streetThumb = street.page.locator('[data-test=photos] [data-test=photo-thumb] img');
    await streetThumb.waitFor();
    await street.page.waitForFunction((el) => (el as unknown as Img).naturalWidth > 0, await streetThumb.elementHandle());

  });
});
