/**
 * The console's files compressed once, at build time, beside the originals: `<file>.br` (brotli,
 * best quality) and `<file>.gz` (gzip, best level), which the API serves to browsers that accept
 * them (@fastify/static `preCompressed`, by Accept-Encoding, with Vary: Accept-Encoding). Nothing
 * is compressed per request. Node's zlib only, no dependency.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** What compresses (text); images, fonts in woff2 and the like are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|xml|ico)$/;
/** Below this a compressed copy saves less than a packet: not written. */
const MIN_BYTES = 1024;

export interface PrecompressResult { files: number; bytes: number; brotliBytes: number; gzipBytes: number }

function* filesUnder(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (COMPRESSIBLE.test(entry.name)) yield full;
  }
}

/** Writes `.br` and `.gz` beside every compressible file of `dir` of at least 1 KB, when smaller than it. */
export async function precompress(dir: string): Promise<PrecompressResult> {
  const result: PrecompressResult = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  for (const file of filesUnder(dir)) {
    const raw = fs.readFileSync(file);
    if (raw.length < MIN_BYTES) continue;
    const [br, gz] = await Promise.all([
      brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
      gzip(raw, { level: 9 }),
    ]);
    result.files += 1;
    result.bytes += raw.length;
    if (br.length < raw.length) { fs.writeFileSync(`${file}.br`, br); result.brotliBytes += br.length; } else result.brotliBytes += raw.length;
    if (gz.length < raw.length) { fs.writeFileSync(`${file}.gz`, gz); result.gzipBytes += gz.length; } else result.gzipBytes += raw.length;
  }
  return result;
}

/** Whether the build in `dir` has its compressed copies (one made before they were written has none). */
export function isPrecompressed(dir: string): boolean {
  const assets = path.join(dir, 'assets');
  return fs.existsSync(assets) && fs.readdirSync(assets).some((name) => name.endsWith('.br'));
}
