/** `npm run worker`: runs the workflows and activities against TEMPORAL_ADDRESS. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { readConfig, type Config } from '../lib/config';
import { createPool, migrate } from '../lib/db';
import { createLogger, type Logger } from '../lib/logger';
import { runUntilSignalled } from '../lib/process-main';
import { loadPolicy } from '../lib/policy-file';
import { registerSearchAttributes } from '../lib/temporal';
import { createWorker } from './worker';
import { ensureOutboxDelivery } from '../activities/outbox';
import { calendarCoverage, logCalendarCoverage } from '../lib/calendar';
import { loadImportedYears } from '../lib/stores/calendar';
import { shanghaiDay } from '../domain/shanghai-time';
import { startPendingCalendarChanges } from '../lib/calendar-import';
import { ensureSchedules } from '../lib/schedules';

export interface RunningWorker { done: Promise<void>; stop(): Promise<void> }

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * A copy of SDK log metadata without payload bytes: at trace level the SDK logs whole
 * activations and activity tasks, whose payloads hold workflow arguments (a reporter's phone).
 * Notes the first `workflowId` it passes, however deep.
 */
function withoutPayloads(value: unknown, found: { workflowId?: string }, depth = 0): unknown {
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value === null || typeof value !== 'object' || value instanceof Error || value instanceof Date) return value;
  if (depth > 8) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => withoutPayloads(v, found, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'workflowId' && typeof v === 'string') found.workflowId ??= v;
    out[key] = withoutPayloads(v, found, depth + 1);
  }
  return out;
}

/**
 * The SDK's logger (worker, workflow `log` and activity `log` lines) writing to pino, so they
 * share its format and redaction; lines about a whistle workflow also carry `whistleId`.
 */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const pinoLevel = PINO_LEVEL[level];
    if (!logger.isLevelEnabled(pinoLevel)) return;
    const { taskToken: _token, error, ...rest } = meta as LogMetadata & { taskToken?: unknown; error?: unknown };
    const found: { workflowId?: string } = {};
    const fields = withoutPayloads(rest, found) as Record<string, unknown>;
    if (found.workflowId?.startsWith('whistle-')) {
      fields.whistleId = found.workflowId.slice('whistle-'.length);
      fields.workflowId ??= found.workflowId;
    }
    if (error !== undefined) fields[error instanceof Error ? 'err' : 'error'] = error;
    logger[pinoLevel](fields, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** Once per process, before any worker connection: SDK logs to pino, SDK metrics for Prometheus. */
function installRuntime(config: Config, logger: Logger) {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host; // IPv6 literal
  const bindAddress = `${host}:${config.workerMetricsPort}`;
  Runtime.install({
    logger: sdkLogger(logger),
    ...(config.workerMetricsPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress } } } } : {}),
  });
  if (config.workerMetricsPort) logger.info({ metrics: `http://${bindAddress}/metrics` }, 'worker metrics (Temporal SDK) for Prometheus');
}

export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const policy = loadPolicy(config.policyFile);
  await migrate(config.databaseUrl, logger);
  const pool = createPool(config.databaseUrl);
  // The development tree is the API's to seed (it decides by its HOST and DEV_SEED, lib/config.ts).

  const admin = await Connection.connect({ address: config.temporalAddress });
  const added = await registerSearchAttributes(admin, config.temporalNamespace);
  if (added.length) logger.info({ added }, 'registered search attributes');
  const client = new Client({ connection: admin, namespace: config.temporalNamespace });
  if (config.webhookUrl) {
    // The outbox delivery loop (one per namespace); starting it again finds the running one.
    const outbox = await ensureOutboxDelivery(client, config.taskQueue);
    logger.info({ workflowId: outbox.workflowId, maxAttempts: config.webhookMaxAttempts }, 'notifications go to the webhook');
  }
  // The daily Schedules (retention sweep, assessment publication) run on this worker's task queue.
  const schedules = await ensureSchedules(client, config.taskQueue);
  logger.info({ schedules }, 'Temporal Schedules in place');
  // A calendar import whose command died before it handed the change to Temporal.
  for (const change of await startPendingCalendarChanges(pool, client, config.taskQueue)) {
    logger.info({ workflowId: change.workflowId, source: change.source }, 'calendar change handed to the open cases');
  }
  logCalendarCoverage(logger, calendarCoverage(await loadImportedYears(pool), shanghaiDay(new Date())));
  await admin.close();

  installRuntime(config, logger);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createWorker({ config, connection, pool, policy });
  logger.info({ taskQueue: config.taskQueue, address: config.temporalAddress }, 'worker running');
  const done = worker.run().finally(async () => {
    await connection.close();
    await pool.end();
    logger.info('worker stopped');
  });
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

if (require.main === module) {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production, name: 'worker' });
  runUntilSignalled(logger, () => startWorker(config, logger), { stopping: 'worker stopping: finishing tasks in hand', failed: 'worker failed' });
}
