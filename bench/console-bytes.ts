/**
 * The staff console's first load in bytes, as sent: `npx tsx bench/console-bytes.ts`.
 *
 * Headless Chromium opens /console/ (a new browser: the sign-in screen, what every person loads
 * first) against the API built in this process (no PostgreSQL or Temporal needed for the files);
 * every file of /console/ it asked for is then fetched again with Accept-Encoding `identity` (as
 * served before the files were compressed), `gzip` and `br`, and the bytes of the bodies added up.
 * The same for every file of the build (all pages opened once). Builds the console first when its
 * build is missing or stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { buildApp } from '../api/app';
import { readConfig } from '../lib/config';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../lib/console-build';

const ENCODINGS = ['identity', 'gzip', 'br'] as const;
type Sizes = Record<(typeof ENCODINGS)[number], number>;

async function bytesOf(base: string, urls: string[]): Promise<Sizes> {
  const sizes: Sizes = { identity: 0, gzip: 0, br: 0 };
  for (const url of urls) {
    for (const encoding of ENCODINGS) {
      // The bytes on the wire: fetch decodes bodies, content-length (every file has one) does not.
      const res = await fetch(`${base}${url}`, { headers: { 'accept-encoding': encoding } });
      const raw = Number(res.headers.get('content-length'));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} (${encoding}): ${res.status}`);
      sizes[encoding] += raw;
    }
  }
  return sizes;
}

function allFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (!/\.(br|gz)$/.test(e.name) && e.name !== 'manifest.json' && !full.includes(`${path.sep}.vite${path.sep}`)) {
        out.push(`/console/${path.relative(CONSOLE_DIST, full).split(path.sep).join('/')}`.replace(/\/index\.html$/, '/'));
      }
    }
  };
  walk(CONSOLE_DIST);
  return out;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main() {
  await ensureConsoleBuilt((m) => console.log(m));
  const config = readConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const pool = new Pool({ connectionString: config.databaseUrl, max: 1 });
  const connection = Connection.lazy({ address: config.temporalAddress });
  const app = await buildApp({ config, pool, temporal: new Client({ connection, namespace: config.temporalNamespace }), logger: pino({ level: 'silent' }) });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const loaded = new Set<string>();
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/console/') && res.status() === 200) loaded.add(url.pathname);
    });
    await page.goto(`${base}/console/`, { waitUntil: 'networkidle' });
    const first = [...loaded];
    const firstLoad = await bytesOf(base, first);
    const whole = await bytesOf(base, allFiles());
    const line = (what: string, s: Sizes, n: number) =>
      `${what.padEnd(34)} ${String(n).padStart(3)} files   uncompressed ${kb(s.identity).padStart(9)}   gzip ${kb(s.gzip).padStart(9)}   brotli ${kb(s.br).padStart(9)}  (${(100 * s.br / s.identity).toFixed(0)}%)`;
    console.log(line('first load (the sign-in screen)', firstLoad, first.length));
    console.log(line('every file of the console', whole, allFiles().length));
  } finally {
    await browser.close();
    await app.close();
    await pool.end();
    await connection.close().catch(() => undefined);
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
