/**
 * A V8 CPU profile (`node --cpu-prof`) summarized: self time by package (node_modules/<pkg>, the
 * project's own files, Node internals, GC, idle) and the busiest functions.
 */
import fs from 'node:fs';
import path from 'node:path';

interface CpuNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface CpuProfile { nodes: CpuNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  file: string;
  /** Seconds of the profile summarized (after the start-up left out). */
  seconds: number;
  /** Share of busy (non-idle) time, in %. */
  byPackage: Array<{ name: string; percent: number }>;
  topFunctions: Array<{ name: string; where: string; percent: number }>;
  idlePercent: number;
}

function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, not JS)';
    return `(${functionName || 'anonymous'})`;
  }
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /\/work\/[^/]+\/(.+)$/.exec(url.replace(/^file:\/\//, ''));
  return m ? `project: ${m[1].split('/')[0]}/` : url;
}

/** `skipSeconds`: leave out the first seconds of the profile (the process starting: loading modules, compiling schemas). */
export function summarizeProfile(file: string, top = 15, skipSeconds = 0): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  const from = profile.startTime + skipSeconds * 1e6;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let total = 0;
  let idle = 0;
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    total += us;
    if (pkg === '(idle)') { idle += us; continue; }
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const where = node.callFrame.url ? `${node.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '')}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${node.callFrame.functionName}@${where}`;
    const f = functions.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where, us: 0 };
    f.us += us;
    functions.set(key, f);
  }
  const busy = total - idle || 1;
  const pct = (us: number) => Math.round((us / busy) * 1000) / 10;
  return {
    file: path.basename(file),
    seconds: Math.round((profile.endTime - from) / 1e5) / 10,
    idlePercent: Math.round((idle / (total || 1)) * 1000) / 10,
    byPackage: [...packages].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, percent: pct(us) })),
    topFunctions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, percent: pct(f.us) })),
  };
}

/** The newest .cpuprofile in `dir`, if any. */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f: path.join(dir, f), t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
  return files[0]?.f ?? null;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) { console.error('usage: tsx bench/profile.ts <file.cpuprofile> [seconds to skip]'); process.exit(2); }
  console.log(JSON.stringify(summarizeProfile(file, 25, Number(process.argv[3] ?? 0)), null, 2));
}
