/**
 * The worker's memory settings: a cache the workflow thread's heap cannot hold is refused at
 * start with what to do, instead of the thread running out of memory later (which stops the
 * worker: seen with 5,000 cached whistles under `--max-old-space-size=256`).
 */
import { ConfigError, DEFAULT_CACHED_WORKFLOWS, DEFAULT_WORKFLOW_TASK_SLOTS, readConfig } from '../lib/config';
import { checkHeapForCache, heapNeededMb } from '../worker/worker';

/** The heap node gives with `--max-old-space-size=256` (old space + young generation), as `npm run worker` starts it. */
const NPM_RUN_WORKER_HEAP_MB = 304;

test('the default cache, and 2,000 (measured to run), fit the heap npm run worker gives', () => {
  expect(() => checkHeapForCache(DEFAULT_CACHED_WORKFLOWS, NPM_RUN_WORKER_HEAP_MB)).not.toThrow();
  expect(() => checkHeapForCache(2000, NPM_RUN_WORKER_HEAP_MB)).not.toThrow();
});

test('5,000 cached workflows (measured to run out of memory) are refused with the heap they need', () => {
  let error: unknown;
  try { checkHeapForCache(5000, NPM_RUN_WORKER_HEAP_MB); } catch (err) { error = err; }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain('WORKER_CACHED_WORKFLOWS=5000');
  expect((error as Error).message).toContain(`--max-old-space-size=${heapNeededMb(5000)}`);
  expect(() => checkHeapForCache(5000, heapNeededMb(5000))).not.toThrow();
});

test('WORKER_CACHED_WORKFLOWS and WORKER_WORKFLOW_TASK_SLOTS: default, a value, and what is refused', () => {
  expect(readConfig({}).workerCachedWorkflows).toBe(DEFAULT_CACHED_WORKFLOWS);
  expect(readConfig({ WORKER_CACHED_WORKFLOWS: '120' }).workerCachedWorkflows).toBe(120);
  for (const bad of ['0', '1', '-5', '2.5', 'many', '100001']) {
    expect(() => readConfig({ WORKER_CACHED_WORKFLOWS: bad })).toThrow(ConfigError);
  }
  expect(readConfig({}).workerWorkflowTaskSlots).toBe(DEFAULT_WORKFLOW_TASK_SLOTS);
  expect(readConfig({ WORKER_WORKFLOW_TASK_SLOTS: '40' }).workerWorkflowTaskSlots).toBe(40);
  for (const bad of ['0', '1', 'x', '1001']) {
    expect(() => readConfig({ WORKER_WORKFLOW_TASK_SLOTS: bad })).toThrow(ConfigError);
  }
  expect(readConfig({ WORKFLOW_BUNDLE: '/srv/whistle/workflows.js' }).workflowBundle).toBe('/srv/whistle/workflows.js');
  expect(readConfig({}).workflowBundle).toBeUndefined();
});
