/**
 * The worker of bench/intake-workflow.ts, started by bench/intake.ts as its own process with the
 * whistle worker's node options and cache (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, DATABASE_URL,
 * INTAKE_MAX_CACHED). Its one activity inserts a row into `intake_rows`.
 */
import { createPool } from '../lib/db';
import { runBenchWorker } from './trivial-worker';

export interface IntakeActivities { writeIntakeRow(id: string): Promise<void> }

async function main() {
  const pool = createPool(process.env.DATABASE_URL!, 10);
  const activities: IntakeActivities = {
    async writeIntakeRow(id) {
      await pool.query('INSERT INTO intake_rows (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [id]);
    },
  };
  try {
    await runBenchWorker({
      workflowsPath: require.resolve('./intake-workflow'),
      defaultTaskQueue: 'bench-intake',
      maxCachedWorkflows: Number(process.env.INTAKE_MAX_CACHED ?? 750),
      activities,
    });
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
