/**
 * `npx tsx bench/photo-page.ts`: a whistle's page with nine photos (处置前照片) opened on a phone
 * (390 × 844, touch, device scale 3) in headless Chromium, as the community's clerk who filed it:
 * from the navigation to the first thumbnail drawn, and to all nine; the thumbnails' bytes. Each
 * run is a new browser context (empty cache) holding the clerk's session, on the machine's own
 * network and throttled to a slow mobile link (BENCH_PHOTO_KBPS, default 2,000 kbit/s down and
 * 750 up, 100 ms latency, through the DevTools protocol). The photos are 12-megapixel JPEGs
 * uploaded through `POST /v1/attachments` (re-encoded, with thumbnails) and filed with the
 * whistle. Starts its own Temporal dev server, database, worker and API (the console built when
 * stale) and removes them at the end. BENCH_PHOTO_RUNS (default 6) runs of each.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { ensureConsoleBuilt } from '../lib/console-build';
import { medianSpreadMs, sleep } from './measure';
import { benchDir, call, cleanupAll, createDatabase, onCleanup, startApi, startTemporal, startWorker } from './stack';

const RUNS = Number(process.env.BENCH_PHOTO_RUNS ?? 6);
const KBPS = Number(process.env.BENCH_PHOTO_KBPS ?? 2000);
const PHOTOS = 9;
const CLERK = 'xiguan';
const TASK_QUEUE = 'bench-photo-page';


/** A 12-megapixel photo of noise over a colour of its own: each one's bytes differ, as a street's do. */
function photo(i: number): Promise<Buffer> {
  return sharp({
    create: { width: 4032, height: 3024, channels: 3, background: { r: 40 + i * 20, g: 120, b: 200 - i * 15 }, noise: { type: 'gaussian', mean: 128, sigma: 30 } },
  }).jpeg({ quality: 85 }).toBuffer();
}

async function upload(base: string, bytes: Buffer, i: number): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `IMG_${1000 + i}.JPG`);
  const res = await fetch(`${base}/v1/attachments`, { method: 'POST', headers: { authorization: `Bearer dev-${CLERK}` }, body: form });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { id: string }).id;
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'zh-CN' };

/** One cold open of the page in a new context: ms to the first thumbnail and to all nine. */
async function openOnce(browser: Browser, base: string, session: string, whistleId: string, throttled: boolean) {
  const context: BrowserContext = await browser.newContext(PHONE);
  try {
    await context.addInitScript(`sessionStorage.setItem('whistle.console.session', ${JSON.stringify(session)})`);
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: 100, downloadThroughput: (KBPS * 1000) / 8, uploadThroughput: (750 * 1000) / 8,
      });
    }
    const thumbs = page.locator('[data-test=photo-thumb] img');
    const t0 = performance.now();
    await page.goto(`${base}/console/whistles/${whistleId}`);
    await thumbs.first().waitFor();
    const first = performance.now() - t0;
    // Evaluated in the page (this file is compiled without the DOM's types).
    await page.waitForFunction(`(() => {
      const imgs = [...document.querySelectorAll('[data-test=photo-thumb] img')];
      return imgs.length === ${PHOTOS} && imgs.every((img) => img.complete && img.naturalWidth > 0);
    })()`);
    const all = performance.now() - t0;
    return { first, all };
  } finally {
    await context.close();
  }
}

async function main() {
  const dir = benchDir();
  const storageDir = path.join(dir, 'attachments');
  onCleanup(async () => fs.rmSync(storageDir, { recursive: true, force: true }));
  await ensureConsoleBuilt((m) => console.log(m));
  console.log('starting Temporal, a PostgreSQL database, the worker and the API …');
  const temporal = await startTemporal(dir);
  const db = await createDatabase('photo-page');
  const env = { STORAGE_URL: `file:${storageDir}`, LOG_LEVEL: 'warn' };
  await startWorker(dir, 'worker', temporal, db.url, TASK_QUEUE, env);
  const api = await startApi(dir, 'api', temporal, db.url, TASK_QUEUE, { env });
  const base = api.url;

  console.log(`uploading ${PHOTOS} 12-megapixel photos and filing the whistle …`);
  const ids: string[] = [];
  for (let i = 0; i < PHOTOS; i++) ids.push(await upload(base, await photo(i), i));
  const filed = (await call(base, CLERK, 'POST', '/v1/whistles', {
    title: '吴航新村小区化粪池外溢', description: '化粪池外溢，污水流到路面，附九张现场照片。', category: 'environment',
    location: { address: '吴航新村5号楼东侧' }, attachmentIds: ids,
  }, 201)).body;
  for (;;) {
    const view = (await call(base, CLERK, 'GET', `/v1/whistles/${filed.id}`)).body;
    if ((view.attachments ?? []).length === PHOTOS) break;
    await sleep(200);
  }
  // What the page downloads for its thumbnails: the nine thumbnails as the API serves them.
  let bytes = 0;
  for (const id of ids) {
    const res = await fetch(`${base}/v1/attachments/${id}/thumbnail`, { headers: { authorization: `Bearer dev-${CLERK}` } });
    bytes += (await res.arrayBuffer()).byteLength;
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const signIn = await browser.newContext(PHONE);
    const page = await signIn.newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel('账号').fill(CLERK);
    await page.getByLabel('密码').fill(`dev-${CLERK}`);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/console\/queue/);
    const session = await page.evaluate<string | null>("sessionStorage.getItem('whistle.console.session')");
    await signIn.close();
    if (!session) throw new Error('no session after signing in');

    for (const throttled of [false, true]) {
      const first: number[] = [];
      const all: number[] = [];
      await openOnce(browser, base, session, filed.id, throttled); // warm-up: the API's routes, the server's caches
      for (let run = 0; run < RUNS; run++) {
        const r = await openOnce(browser, base, session, filed.id, throttled);
        first.push(r.first);
        all.push(r.all);
      }
      console.log('');
      console.log(`a whistle's page with ${PHOTOS} photos on a phone (390 × 844), new context each run, ${throttled ? `throttled to ${KBPS} kbit/s, 100 ms` : "this machine's network"}:`);
      console.log(`  navigation → first thumbnail drawn:  ${medianSpreadMs(first)}`);
      console.log(`  navigation → all ${PHOTOS} thumbnails drawn:  ${medianSpreadMs(all)}`);
      console.log(`  thumbnails: ${(bytes / 1024).toFixed(1)} KB for ${PHOTOS} (${(bytes / 1024 / PHOTOS).toFixed(1)} KB each)`);
    }
  } finally {
    await browser.close();
  }
}

main().then(() => cleanupAll()).then(() => process.exit(0)).catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
