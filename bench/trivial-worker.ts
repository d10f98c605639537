/**
 * The worker of bench/trivial-workflow.ts, started by the bench as its own process
 * (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, TRIVIAL_MAX_CACHED: its cache size; the whistle worker's
 * WORKER_WORKFLOW_TASK_SLOTS), with the same
 * worker settings as the whistle worker that matter (SDK defaults otherwise). `runBenchWorker`
 * runs any of the bench's yardstick workflows (bench/intake-worker.ts uses it too).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { DEFAULT_WORKFLOW_TASK_SLOTS } from '../lib/config';

export async function runBenchWorker(options: {
  workflowsPath: string; defaultTaskQueue: string; maxCachedWorkflows: number; activities?: object;
}): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? options.defaultTaskQueue,
    workflowsPath: options.workflowsPath,
    ...(options.activities ? { activities: options.activities } : {}),
    maxCachedWorkflows: options.maxCachedWorkflows,
    // The whistle worker's slots (WORKER_WORKFLOW_TASK_SLOTS, inherited from the bench's environment).
    maxConcurrentWorkflowTaskExecutions: Number(process.env.WORKER_WORKFLOW_TASK_SLOTS ?? DEFAULT_WORKFLOW_TASK_SLOTS),
  });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  runBenchWorker({
    workflowsPath: require.resolve('./trivial-workflow'),
    defaultTaskQueue: 'bench-trivial',
    maxCachedWorkflows: Number(process.env.TRIVIAL_MAX_CACHED ?? 2000),
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
