/**
 * The worker of bench/intake-workflow.ts, started by bench/intake.ts as its own process with the
 * whistle worker's node options and cache (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, DATABASE_URL,
 * INTAKE_MAX_CACHED). Its one activity inserts a row into `intake_rows`.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createPool } from '../lib/db';

export interface IntakeActivities { writeIntakeRow(id: string): Promise<void> }

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const pool = createPool(process.env.DATABASE_URL!, 10);
  const activities: IntakeActivities = {
    async writeIntakeRow(id) {
      await pool.query('INSERT INTO intake_rows (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [id]);
    },
  };
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-intake',
    workflowsPath: require.resolve('./intake-workflow'),
    activities,
    maxCachedWorkflows: Number(process.env.INTAKE_MAX_CACHED ?? 750),
  });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await worker.run();
  await connection.close();
  await pool.end();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
