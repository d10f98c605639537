/**
 * A Vite plugin that prints every chunk's gzipped size after the build, and the JavaScript the
 * browser needs to show one route (the entry, the route's lazy chunk and everything they import
 * statically). The build fails when that route is over its budget.
 */
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { Plugin } from 'vite';

interface Options {
  /** The route component whose screen is measured, relative to the console's root. */
  entryRoute: string;
  /** Largest gzipped JavaScript for that screen, in KB (1 KB = 1024 bytes). */
  budgetKb: number;
}

type Chunk = { type: 'chunk'; fileName: string; code: string; isEntry: boolean; imports: string[]; facadeModuleId: string | null; moduleIds: string[] };
type Asset = { type: 'asset'; fileName: string; source: string | Uint8Array };

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function bundleReport({ entryRoute, budgetKb }: Options): Plugin {
  let root = '';
  return {
    name: 'whistle-bundle-report',
    apply: 'build',
    configResolved(config) { root = config.root; },
    generateBundle(_options, bundle) {
      const files = Object.values(bundle) as Array<Chunk | Asset>;
      const gz = new Map<string, number>();
      const raw = new Map<string, number>();
      for (const f of files) {
        const body = f.type === 'chunk' ? f.code : f.source;
        if (!/\.(js|css)$/.test(f.fileName)) continue;
        raw.set(f.fileName, Buffer.byteLength(body as string));
        gz.set(f.fileName, gzipSync(body, { level: 9 }).length);
      }
      const chunks = new Map(files.filter((f): f is Chunk => f.type === 'chunk').map((c) => [c.fileName, c]));
      const closure = (start: string[], into = new Set<string>()) => {
        for (const name of start) {
          if (into.has(name)) continue;
          into.add(name);
          closure(chunks.get(name)?.imports ?? [], into);
        }
        return into;
      };
      const target = path.resolve(root, entryRoute);
      const entry = [...chunks.values()].filter((c) => c.isEntry).map((c) => c.fileName);
      const route = [...chunks.values()].find((c) => c.facadeModuleId === target || c.moduleIds.includes(target));
      if (!route) this.error(`bundle report: no chunk holds ${entryRoute}`);
      const screen = closure([...entry, route!.fileName]);
      const screenJs = [...screen].reduce((sum, f) => sum + (gz.get(f) ?? 0), 0);

      const rows = [...gz.entries()].sort((a, b) => b[1] - a[1]);
      const width = Math.max(...rows.map(([f]) => f.length));
      const lines = ['', 'console bundle (gzip -9):'];
      for (const [f, size] of rows) {
        lines.push(`  ${f.padEnd(width)}  ${kb(raw.get(f)!).padStart(10)} raw  ${kb(size).padStart(9)} gzip${screen.has(f) ? '  (sign-in screen)' : ''}`);
      }
      const totalJs = rows.filter(([f]) => f.endsWith('.js')).reduce((s, [, n]) => s + n, 0);
      lines.push(`  all JavaScript: ${kb(totalJs)} gzip in ${rows.filter(([f]) => f.endsWith('.js')).length} files`);
      lines.push(`  sign-in screen JavaScript: ${kb(screenJs)} gzip (budget ${budgetKb} KB)`);
      console.log(lines.join('\n'));
      if (screenJs > budgetKb * 1024) this.error(`the sign-in screen needs ${kb(screenJs)} of gzipped JavaScript, over its budget of ${budgetKb} KB`);
    },
  };
}
