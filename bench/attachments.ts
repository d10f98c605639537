/**
 * `npx tsx bench/attachments.ts`: what a photo upload costs the API — `POST /v1/attachments` of a
 * 4 MB phone photo (12 megapixels, 4032 × 3024, EXIF orientation 6 and a GPS position, so the
 * upload is turned and stripped as a real one), re-encoded with its thumbnail and written to the
 * storage (a folder, STORAGE_URL's default kind):
 *
 *   - one at a time: latency p50/p99;
 *   - 20 at once (BENCH_ATTACHMENTS_CONCURRENCY), in rounds: latency p50/p99 and photos per second;
 *   - CPU-ms per photo of the API process (utime + stime from /proc), its RSS before, its peak
 *     while uploading (sampled every 20 ms) and its lifetime peak (VmHWM);
 *   - bytes stored per photo (image + thumbnail) against the bytes uploaded.
 *
 * Starts its own Temporal dev server, database and API (`api/main.ts` as `npm run api` runs it)
 * and removes them and the photos at the end. BENCH_ATTACHMENTS_COUNT (default 40) uploads one at a time,
 * BENCH_ATTACHMENTS_ROUNDS (default 3) rounds of the concurrent ones. The figures are this
 * machine's; other work on it shows in them.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { cpuOfPid } from './cpu';
import { benchDir, cleanupAll, createDatabase, onCleanup, startApi, startTemporal } from './stack';

const COUNT = Number(process.env.BENCH_ATTACHMENTS_COUNT ?? 40);
const CONCURRENCY = Number(process.env.BENCH_ATTACHMENTS_CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.BENCH_ATTACHMENTS_ROUNDS ?? 3);
const UPLOADER = 'xiguan';

/** A 12-megapixel phone photo of about 4 MB: a gradient under sensor-like noise, EXIF orientation 6 and GPS. */
async function phonePhoto(): Promise<Buffer> {
  const width = 4032;
  const height = 3024;
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      gradient[i] = (x * 255) / width;
      gradient[i + 1] = (y * 255) / height;
      gradient[i + 2] = ((x + y) * 127) / (width + height);
    }
  }
  const noise = await sharp({ create: { width, height, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 0, sigma: 23 } } })
    .raw().toBuffer();
  return sharp(gradient, { raw: { width, height, channels: 3 } })
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'add' }])
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'BenchPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '25/1 57/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '119/1 31/1 0/1' } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: round1(kb('VmRSS') / 1024), hwmMb: round1(kb('VmHWM') / 1024) };
}

/** The highest RSS of the process while `work` runs, sampled every 20 ms. */
async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = memoryOf(pid).rssMb;
  const timer = setInterval(() => { peak = Math.max(peak, memoryOf(pid).rssMb); }, 20);
  try {
    const result = await work();
    return { result, peakRssMb: Math.max(peak, memoryOf(pid).rssMb) };
  } finally {
    clearInterval(timer);
  }
}

interface Uploaded { id: string; ms: number }

async function upload(baseUrl: string, photo: Buffer): Promise<Uploaded> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG_0001.JPG');
  const started = performance.now();
  const res = await fetch(`${baseUrl}/v1/attachments`, { method: 'POST', headers: { authorization: `Bearer dev-${UPLOADER}` }, body: form });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${text.slice(0, 300)}`);
  return { id: (JSON.parse(text) as { id: string }).id, ms };
}

async function phase(name: string, pid: number, uploads: number, run: () => Promise<Uploaded[]>) {
  const cpuBefore = cpuOfPid(pid);
  const started = performance.now();
  const { result, peakRssMb } = await peakRssDuring(pid, run);
  const seconds = (performance.now() - started) / 1000;
  const ms = result.map((u) => u.ms);
  const figures = {
    phase: name, uploads,
    p50Ms: Math.round(percentile(ms, 50)), p99Ms: Math.round(percentile(ms, 99)), maxMs: Math.round(Math.max(...ms)),
    photosPerSecond: round1(uploads / seconds),
    cpuMsPerPhoto: Math.round(((cpuOfPid(pid) - cpuBefore) * 1000) / uploads),
    peakRssMb,
  };
  console.log(JSON.stringify(figures));
  return { figures, ids: result.map((u) => u.id) };
}

async function main() {
  const dir = benchDir();
  const storageDir = path.join(dir, 'attachments');
  // The photos go at the end (megabytes each); the logs stay, as with the other benches.
  onCleanup(async () => fs.rmSync(storageDir, { recursive: true, force: true }));
  console.log(`making a 12-megapixel phone photo …`);
  const photo = await phonePhoto();
  const meta = await sharp(photo).metadata();
  console.log(`photo: ${(photo.length / 1048576).toFixed(2)} MB, ${meta.width} × ${meta.height}, orientation ${meta.orientation}`);

  console.log('starting Temporal, a PostgreSQL database and the API …');
  const temporal = await startTemporal(dir);
  const db = await createDatabase('attachments');
  const api = await startApi(dir, 'api', temporal, db.url, 'bench-attachments', {
    env: { STORAGE_URL: `file:${storageDir}`, LOG_LEVEL: 'warn' },
  });
  // Warm-up: the first upload loads libvips and compiles the route.
  await upload(api.url, photo);
  await upload(api.url, photo);
  const idle = memoryOf(api.pid);
  console.log(`API after warm-up: RSS ${idle.rssMb} MB`);

  const one = await phase('one at a time', api.pid, COUNT, async () => {
    const done: Uploaded[] = [];
    for (let i = 0; i < COUNT; i++) done.push(await upload(api.url, photo));
    return done;
  });
  const together = await phase(`${CONCURRENCY} at once`, api.pid, CONCURRENCY * ROUNDS, async () => {
    const done: Uploaded[] = [];
    for (let r = 0; r < ROUNDS; r++) done.push(...await Promise.all(Array.from({ length: CONCURRENCY }, () => upload(api.url, photo))));
    return done;
  });

  const ids = [...one.ids, ...together.ids];
  const sizeOf = (folder: string, id: string) => fs.statSync(path.join(storageDir, folder, id)).size;
  const imageBytes = ids.reduce((sum, id) => sum + sizeOf('images', id), 0) / ids.length;
  const thumbnailBytes = ids.reduce((sum, id) => sum + sizeOf('thumbnails', id), 0) / ids.length;
  const stored = {
    uploadedBytes: photo.length,
    imageBytes: Math.round(imageBytes),
    thumbnailBytes: Math.round(thumbnailBytes),
    storedBytesPerPhoto: Math.round(imageBytes + thumbnailBytes),
    storedToUploaded: Math.round(((imageBytes + thumbnailBytes) / photo.length) * 1000) / 1000,
  };
  console.log(JSON.stringify(stored));
  const memory = memoryOf(api.pid);
  console.log(JSON.stringify({ apiRssIdleMb: idle.rssMb, apiRssNowMb: memory.rssMb, apiPeakRssLifetimeMb: memory.hwmMb }));
  console.log(JSON.stringify({ summary: { photo: { bytes: photo.length, width: meta.width, height: meta.height }, phases: [one.figures, together.figures], stored, memory: { idleMb: idle.rssMb, lifetimePeakMb: memory.hwmMb } } }));
}

main()
  .catch((err) => { console.error(err); process.exitCode = 1; })
  .finally(async () => { await cleanupAll(); });
