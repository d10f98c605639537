/**
 * `npm test`'s jest part: the suite in two lanes side by side, each `jest --runInBand` with a
 * global setup of its own (its own Temporal dev server, database and workflow bundle, so the
 * lanes share nothing but the console's build, made once before they start). The browser lane
 * holds the tests that drive Chromium and the reliability tests; the service lane the rest. Most of the suite waits on
 * timers of a fast policy, so two lanes on two cores take about the time of the longer one, not
 * the sum. Each lane's lines are printed as they come, prefixed with its name; the exit code is
 * the first failing lane's. With arguments (`npm test -- test/x.test.ts`), one lane runs jest
 * with those arguments.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ensureConsoleBuilt } from '../lib/console-build';

const ROOT = path.join(__dirname, '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

/**
 * The browser lane's files: those that drive a browser (Chromium through playwright-core), and the
 * reliability tests (they kill and restart whole processes), which even the two lanes' times
 * (2026-12-07: browser files about 1,000 s, reliability 230 s, the rest about 1,250 s).
 */
function browserLaneTests(): string[] {
  const dir = path.join(ROOT, 'test');
  return fs.readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .filter((name) => name.startsWith('reliability-')
      || /playwright|console-(browser|desk|stack)'/.test(fs.readFileSync(path.join(dir, name), 'utf8')))
    .map((name) => `test/${name}`);
}

const escaped = (file: string) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Lane { name: string; args: string[] }

function run(lane: Lane): Promise<{ lane: string; code: number; seconds: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [JEST, '--runInBand', ...lane.args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${lane.name}] ${line}\n`));
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ lane: lane.name, code: code ?? (signal ? 1 : 0), seconds: (Date.now() - started) / 1000 }));
  });
}

async function main() {
  const given = process.argv.slice(2);
  if (given.length > 0) {
    const { code } = await run({ name: 'jest', args: given });
    process.exit(code);
  }
  await ensureConsoleBuilt((message) => console.log(`[test] ${message}`));
  const browser = browserLaneTests();
  const pattern = `(${browser.map(escaped).join('|')})$`;
  const lanes: Lane[] = [
    { name: 'browser', args: ['--testPathPattern', pattern] },
    { name: 'service', args: ['--testPathIgnorePatterns', pattern] },
  ];
  console.log(`[test] two lanes: browser (${browser.length} files: the browser and reliability tests) and service (the rest)`);
  const results = await Promise.all(lanes.map(run));
  for (const r of results) console.log(`[test] lane ${r.lane}: ${r.code === 0 ? 'passed' : `failed (exit ${r.code})`} in ${Math.round(r.seconds)} s`);
  process.exit(results.find((r) => r.code !== 0)?.code ?? 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
