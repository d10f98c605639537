/**
 * A whistle worker for the bench's experiments: the project's own worker (createWorker from
 * worker/worker.ts: same activities and settings) with at most these differences, each from
 * the environment:
 *
 * - VARIANT_WORKFLOWS: the workflows module to bundle (a patched copy from bench/variants.ts);
 *   default the project's workflows/;
 * - VARIANT_BUNDLE: a workflow bundle built beforehand (a file) instead of bundling at start;
 * - VARIANT_MAX_CACHED: another maxCachedWorkflows than worker/worker.ts sets;
 * - VARIANT_MEMORY_LOG: print the main thread's memory every 5 s.
 *
 * Started by the bench as its own process, with the usual worker environment.
 */
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { readConfig } from '../lib/config';
import { createPool } from '../lib/db';
import { loadPolicy } from '../lib/policy';
import { createWorker, WORKFLOWS_PATH } from '../worker/worker';

async function main() {
  const config = readConfig();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const maxCached = process.env.VARIANT_MAX_CACHED ? Number(process.env.VARIANT_MAX_CACHED) : undefined;
  if (maxCached !== undefined) {
    // Everything else as createWorker sets it; only the cache size differs.
    const create = Worker.create.bind(Worker);
    Worker.create = (options: WorkerOptions) => create({ ...options, maxCachedWorkflows: maxCached });
  }
  const workflowBundle: WorkerOptions['workflowBundle'] = process.env.VARIANT_BUNDLE
    ? { codePath: process.env.VARIANT_BUNDLE }
    : await bundleWorkflowCode({ workflowsPath: process.env.VARIANT_WORKFLOWS ?? WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const pool = createPool(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createWorker({ config, connection, pool, policy: loadPolicy(config.policyFile), workflowBundle });
  if (process.env.VARIANT_MEMORY_LOG) {
    // The main thread's share of the memory (workflows run in a worker thread of their own).
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      const mb = (x: number) => Math.round(x / 2 ** 20);
      console.log(JSON.stringify({ at: new Date().toISOString(), rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) }));
    }, 5000);
    timer.unref();
  }
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await worker.run();
  await connection.close();
  await pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
