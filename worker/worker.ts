/** Builds the worker that runs whistle and help workflows and their activities. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import type { Config } from '../lib/config';
import type { Policy } from '../lib/policy';
import { loadWorkflowCode } from './bundle';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface WorkerDeps {
  config: Pick<Config, 'temporalNamespace' | 'taskQueue' | 'webhookUrl' | 'webhookSecret'>
    & Partial<Pick<Config, 'workerCachedWorkflows' | 'workflowBundle'>>;
  connection: NativeConnection;
  pool: Pool;
  policy: Policy;
  /** A prebuilt workflow bundle (tests build it once); otherwise WORKFLOW_BUNDLE or a fresh one. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

/** Cached workflows when the configuration does not say (WORKER_CACHED_WORKFLOWS). */
export const DEFAULT_CACHED_WORKFLOWS = 1000;

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const workflowBundle = deps.workflowBundle ?? await loadWorkflowCode(WORKFLOWS_PATH, deps.config.workflowBundle);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporalNamespace,
    taskQueue: deps.config.taskQueue,
    workflowBundle,
    activities: createActivities({
      pool: deps.pool,
      policy: deps.policy,
      webhook: deps.config.webhookUrl ? { url: deps.config.webhookUrl, secret: deps.config.webhookSecret } : null,
    }),
    ...(deps.identity ? { identity: deps.identity } : {}),
    // Whistles wait on timers for days: the cache is bounded so memory stays flat; a whistle
    // evicted from it is replayed from its history when its next task comes.
    maxCachedWorkflows: deps.config.workerCachedWorkflows ?? DEFAULT_CACHED_WORKFLOWS,
    shutdownGraceTime: '20 seconds',
  });
}
