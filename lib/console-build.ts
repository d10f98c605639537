/**
 * The staff console's build (console/ → console/dist, served at /console/). `npm start` and the
 * test suite's global setup build it when the build is missing or older than its sources, so a
 * fresh clone needs only `npm install` and `npm start`; `npm run console:build` builds it always.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isPrecompressed, precompress } from './precompress';

const CONSOLE_DIR = path.join(__dirname, '..', 'console');
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
const CONSOLE_INDEX = path.join(CONSOLE_DIST, 'index.html');

/** What the build is made from (the vocabulary's labels too): a change to any of these makes the build stale. */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.mts', 'bundle-report.mts', path.join('..', 'domain')];

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

export interface ConsoleBuildState {
  /** console/dist/index.html exists. */
  built: boolean;
  /** A source is newer than the build (or there is no build). */
  stale: boolean;
}

function consoleBuildState(): ConsoleBuildState {
  let builtAt: number;
  try {
    builtAt = fs.statSync(CONSOLE_INDEX).mtimeMs;
  } catch {
    return { built: false, stale: true };
  }
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(CONSOLE_DIR, s))));
  return { built: true, stale: sources > builtAt };
}

/**
 * Runs `vite build` for the console in a child process (Vite is an ES module and a dev
 * dependency), its output, with the bundle sizes, to `output`; then writes the brotli and gzip
 * copies of its files (lib/precompress.ts). Rejects when the build fails.
 */
export async function buildConsole(output: NodeJS.WritableStream = process.stdout): Promise<void> {
  await viteBuild(output);
  const compressed = await precompress(CONSOLE_DIST);
  output.write(`  compressed at build: ${compressed.files} files, ${kb(compressed.bytes)} → brotli ${kb(compressed.brotliBytes)}, gzip ${kb(compressed.gzipBytes)}\n`);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function viteBuild(output: NodeJS.WritableStream): Promise<void> {
  const vite = path.join(__dirname, '..', 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(vite)) {
    return Promise.reject(new Error('the console cannot be built: Vite is missing (run npm install, which installs the dev dependencies)'));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', path.join(CONSOLE_DIR, 'vite.config.mts'), '--logLevel', 'warn'], {
      cwd: CONSOLE_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' },
    });
    child.stdout.pipe(output, { end: false });
    child.stderr.pipe(output, { end: false });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the console build failed (vite build exited with ${code})`))));
  });
}

/** Builds the console when its build is missing or stale; says which in `log`. */
export async function ensureConsoleBuilt(log: (message: string) => void, output?: NodeJS.WritableStream): Promise<'fresh' | 'built'> {
  const state = consoleBuildState();
  if (!state.stale && !isPrecompressed(CONSOLE_DIST)) {
    log('the console build has no compressed copies yet: writing them (console/dist)');
    await precompress(CONSOLE_DIST);
  }
  if (!state.stale) return 'fresh';
  log(state.built ? 'the console build is older than its sources: building it (console/dist)' : 'the console is not built yet: building it (console/dist)');
  await buildConsole(output);
  return 'built';
}
