/**
 * 优先级: what a change of priority in workflow code does to the workflows already running. An
 * activity's priority is an option of the command that schedules it; the SDK compares a replayed
 * command with its history by kind and activity type, not by its options. So the help workflow
 * with a priority in its activity options (a copy of today's code, changed only there) replays
 * every recorded help history of today's code: such a change needs no `patched()`, and reaches
 * the activities a running request schedules after the deploy. (Today the help workflow gives its
 * activities no priority of their own: they take the workflow's, lib/task-priority.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../worker/bundle-options';
import { historyFiles, readHistory, replay } from './support/replay';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..');
/** Under the project (the bundler finds node_modules from there); removed at the end. */
const COPY = path.join(ROOT, 'test', `.priority-variant-${process.pid}`);
const files = historyFiles('help-').filter((f) => f.endsWith('.timer-per-deadline.json'));

const ACTIVITY_OPTIONS = "summary: 'project help request to read model and notify',";

let codePath: string;

beforeAll(async () => {
  // What the workflow bundle is made of (workflows import nothing else: .dependency-cruiser.cjs).
  for (const part of ['workflows', 'domain', path.join('activities', 'types.ts')]) {
    fs.cpSync(path.join(ROOT, part), path.join(COPY, part), { recursive: true });
  }
  const process = path.join(COPY, 'workflows', 'help', 'process.ts');
  const code = fs.readFileSync(process, 'utf8');
  if (!code.includes(ACTIVITY_OPTIONS)) throw new Error(`workflows/help/process.ts no longer has "${ACTIVITY_OPTIONS}": follow it here`);
  fs.writeFileSync(process, code.replace(ACTIVITY_OPTIONS, `${ACTIVITY_OPTIONS} priority: { priorityKey: 1, fairnessKey: 'changed' },`));
  const bundle = await bundleWorkflowCode({
    ...workflowBundleOptions(path.join(COPY, 'workflows', 'index.ts')),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  codePath = path.join(COPY, 'bundle.js');
  fs.writeFileSync(codePath, bundle.code);
});

afterAll(() => {
  fs.rmSync(COPY, { recursive: true, force: true });
});

test('there are recorded help histories of today\'s code', () => {
  expect(files.length).toBeGreaterThan(0);
});

test.each(files)('%s replays against the help workflow with a priority in its activity options', async (file) => {
  await expect(replay(readHistory(file), { name: file, codePath })).resolves.toBeUndefined();
});
