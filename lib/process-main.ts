/**
 * The main of a long-running process (the API, the worker): started, stopped gracefully on
 * SIGINT or SIGTERM (`stopping` logged with the signal); a start that fails, or a run that ends
 * in an error, is logged as `failed` and the process exits 1.
 */
import type { Logger } from './logger';

export interface Running {
  stop(): Promise<void>;
  /** Settles when the process's work has ended by itself (the worker's run); absent, nothing is awaited. */
  done?: Promise<void>;
}

export function runUntilSignalled(logger: Logger, start: () => Promise<Running>, log: { stopping: string; failed: string }): void {
  start().then((running) => {
    const stop = (signal: string) => { logger.info({ signal }, log.stopping); void running.stop(); };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    return running.done;
  }).catch((err) => {
    logger.fatal({ err }, log.failed);
    process.exit(1);
  });
}
