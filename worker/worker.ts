/** Builds the worker that runs whistle and help workflows and their activities. */
import v8 from 'node:v8';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities, webhookSettings } from '../activities';
import { ConfigError, DEFAULT_CACHED_WORKFLOWS, DEFAULT_WORKFLOW_TASK_SLOTS, type Config } from '../lib/config';
import type { Policy } from '../lib/policy';
import { loadWorkflowCode } from './bundle';

export { DEFAULT_CACHED_WORKFLOWS };

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface WorkerDeps {
  config: Pick<Config, 'temporalNamespace' | 'taskQueue' | 'webhookUrl' | 'webhookSecret'>
    & Partial<Pick<Config, 'workerCachedWorkflows' | 'workerWorkflowTaskSlots' | 'workflowBundle' | 'webhookMaxAttempts' | 'webhookTimeoutSeconds' | 'assessmentWeights' | 'storage'>>;
  connection: NativeConnection;
  pool: Pool;
  policy: Policy;
  /** A prebuilt workflow bundle (tests build it once); otherwise WORKFLOW_BUNDLE or a fresh one. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

/**
 * The V8 heap (MB) the workflow thread needs for `cached` workflows: measured with
 * `--max-old-space-size=256` (a 304 MB heap), 2,000 cached workflows ran and 5,000 ran the
 * thread out of memory, which stops the worker. 48 MB + 0.12 MB each lies between the two.
 */
export function heapNeededMb(cached: number): number {
  return Math.ceil(48 + 0.12 * cached);
}

/** Refuses a cache that this process's heap cannot hold, before the worker starts, with what to do. */
export function checkHeapForCache(cached: number, heapLimitMb = v8.getHeapStatistics().heap_size_limit / 2 ** 20): void {
  const needed = heapNeededMb(cached);
  if (needed > heapLimitMb) {
    throw new ConfigError(`WORKER_CACHED_WORKFLOWS=${cached} needs a V8 heap of about ${needed} MB in the workflow thread; ` +
      `this node allows ${Math.floor(heapLimitMb)} MB. Start node with --max-old-space-size=${needed} ` +
      `(npm run worker sets 256) or cache fewer workflows.`);
  }
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const maxCachedWorkflows = deps.config.workerCachedWorkflows ?? DEFAULT_CACHED_WORKFLOWS;
  checkHeapForCache(maxCachedWorkflows);
  const workflowBundle = deps.workflowBundle ?? await loadWorkflowCode(WORKFLOWS_PATH, deps.config.workflowBundle);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporalNamespace,
    taskQueue: deps.config.taskQueue,
    workflowBundle,
    activities: createActivities({
      pool: deps.pool,
      policy: deps.policy,
      webhook: webhookSettings(deps.config),
      assessmentWeights: deps.config.assessmentWeights,
      storage: deps.config.storage,
    }),
    ...(deps.identity ? { identity: deps.identity } : {}),
    // Whistles wait on timers for days: the cache is bounded so memory stays flat; a whistle
    // evicted from it is replayed from its history when its next task comes.
    maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: deps.config.workerWorkflowTaskSlots ?? DEFAULT_WORKFLOW_TASK_SLOTS,
    shutdownGraceTime: '20 seconds',
  });
}
