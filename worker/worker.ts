/** Builds the worker that runs whistle and help workflows and their activities. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import type { Config } from '../lib/config';
import type { Policy } from '../lib/policy';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface WorkerDeps {
  config: Pick<Config, 'temporalNamespace' | 'taskQueue' | 'webhookUrl' | 'webhookSecret'>;
  connection: NativeConnection;
  pool: Pool;
  policy: Policy;
  /** A prebuilt workflow bundle (tests build it once); otherwise the worker bundles at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporalNamespace,
    taskQueue: deps.config.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({
      pool: deps.pool,
      policy: deps.policy,
      webhook: deps.config.webhookUrl ? { url: deps.config.webhookUrl, secret: deps.config.webhookSecret } : null,
    }),
    ...(deps.identity ? { identity: deps.identity } : {}),
    // Whistles wait on timers for days: keep the cache bounded so memory stays flat.
    maxCachedWorkflows: 2000,
    shutdownGraceTime: '20 seconds',
  });
}
