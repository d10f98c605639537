/**
 * One test file's stack: a worker on its own task queue (so files do not take each other's
 * tasks) with a fast policy, and the API built in-process (requests through `inject`).
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { buildApp } from '../../api/app';
import { readConfig, type Config } from '../../lib/config';
import { createPool } from '../../lib/db';
import { createLogger, type Logger } from '../../lib/logger';
import type { Policy } from '../../lib/policy';
import { parsePolicy } from '../../lib/policy-file';
import { FAST_POLICY } from './fast-policy';
import { createWorker } from '../../worker/worker';
import { sdkLogger } from '../../worker/main';
import { TEST_PEPPER } from './constants';
import { jsonOrText, type Json } from './json';

let runtimeInstalled = false;

export interface Stack {
  app: FastifyInstance;
  client: Client;
  pool: Pool;
  config: Config;
  policy: Policy;
  worker: Worker | undefined;
  /** A request as the account `as` (dev key `dev-<as>`), or anonymous when `as` is null. */
  call(as: string | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, body?: unknown, headers?: Record<string, string>):
    Promise<{ status: number; body: Json; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Parts of the policy over FAST_POLICY (durations in seconds). */
  policy?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Start no worker (tests of the API alone). */
  noWorker?: boolean;
  /** The worker's workflow bundle (test/support/bundles.ts); by default today's code, built by global setup. */
  workflowBundle?: string;
  /** The app's logger; also the worker's (SDK) logger when this is the file's first stack. */
  logger?: Logger;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: options.logger ? sdkLogger(options.logger) : new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const config = readConfig({
    TEMPORAL_ADDRESS: process.env.WHISTLE_TEST_TEMPORAL!,
    DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL!,
    TEMPORAL_TASK_QUEUE: taskQueue,
    API_KEY_PEPPER: TEST_PEPPER,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...options.env,
  });
  const policy = parsePolicy(options.policy ?? {}, FAST_POLICY);
  const pool = createPool(config.databaseUrl, 10);
  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const nativeConnection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = options.noWorker ? undefined : await createWorker({
    config, connection: nativeConnection, pool, policy,
    workflowBundle: { codePath: options.workflowBundle ?? process.env.WHISTLE_TEST_BUNDLE! },
  });
  const running = worker ? worker.run() : Promise.resolve();
  const logger = options.logger ?? createLogger({ level: config.logLevel, production: false });
  const app = await buildApp({ config, pool, temporal: client, logger, policy });
  await app.ready();

  return {
    app, client, pool, config, policy, worker,
    async call(as, method, url, body, headers = {}) {
      const res = await app.inject({
        method, url,
        headers: {
          ...(as ? { authorization: `Bearer dev-${as}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.statusCode, body: jsonOrText(res.body), headers: res.headers };
    },
    async stop() {
      await app.close();
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await pool.end();
    },
  };
}

/** Waits until `check` returns a value that is not undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A valid filing body, with overrides. */
export function filing(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '西关社区3号楼下水道堵塞',
    description: '下水道堵塞一周，污水外溢。',
    category: 'utilities',
    location: { address: '江景花园3号楼' },
    reporter: { name: '李大爷', phone: '13800000000' },
    ...overrides,
  };
}

/** A policy where every whistle deadline is `seconds` away: nothing moves a whistle but the test's own requests. */
export function quietPolicy(seconds = 600): Record<string, unknown> {
  const d = { seconds };
  return {
    street: { acceptWithin: d, acceptWithinUrgent: d, handleWithin: d },
    center: { triageWithin: d }, department: { acceptWithin: d },
    lists: { immediate: d, phased: d, understanding: d }, phased: { progressEvery: d }, evaluation: { window: d },
  };
}
