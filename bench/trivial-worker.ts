/**
 * The worker of bench/trivial-workflow.ts, started by the bench as its own process
 * (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, TRIVIAL_MAX_CACHED: its cache size), with the same
 * worker settings as the whistle worker that matter (SDK defaults otherwise). `runBenchWorker`
 * runs any of the bench's yardstick workflows (bench/intake-worker.ts uses it too).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

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
