/**
 * Once per test run: a throwaway Temporal dev server on free ports (in memory), a throwaway
 * PostgreSQL database (migrated and seeded), and the workflow bundle built once.
 * What the tests need is passed through environment variables.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureConsoleBuilt } from '../../lib/console-build';
import { createPool, migrate } from '../../lib/db';
import { seedIfEmpty } from '../../lib/seed';
import { registerSearchAttributes } from '../../lib/temporal';
import { freePort, startDevServer, temporalBinary } from '../../lib/temporal-dev-server';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { workflowBundleOptions } from '../../worker/bundle-options';
import { TEST_PEPPER } from './constants';

export default async function globalSetup(): Promise<void> {
  const step = (s: string) => process.env.WHISTLE_TEST_DEBUG && console.log('[setup]', s);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whistle-test-'));
  const binary = temporalBinary();
  const port = await freePort();
  const uiPort = await freePort();
  const server = await startDevServer({
    ip: '127.0.0.1', port, uiPort, namespace: 'default', logFile: path.join(dir, 'temporal.log'),
  }, binary);
  step('temporal up');
  const address = server.address;
  const connection = await Connection.connect({ address });
  await registerSearchAttributes(connection, 'default');
  await connection.close();

  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/whistle_test_${process.pid}_${Date.now().toString(36)}`;
  const databaseUrl = url.toString();
  await migrate(databaseUrl);
  const pool = createPool(databaseUrl, 2);
  await seedIfEmpty(pool, TEST_PEPPER);
  await pool.end();
  step('database ready');

  // The browser tests of the staff console need its build (a fresh clone has none).
  await ensureConsoleBuilt((message) => console.log(`[setup] ${message}`), process.stdout);
  step('console built');

  const bundle = await bundleWorkflowCode({ ...workflowBundleOptions(WORKFLOWS_PATH), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  step('bundle built');
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  process.env.WHISTLE_TEST_TEMPORAL = address;
  process.env.WHISTLE_TEST_UI_PORT = String(uiPort);
  process.env.WHISTLE_TEST_DATABASE_URL = databaseUrl;
  process.env.WHISTLE_TEST_BUNDLE = bundlePath;
  process.env.WHISTLE_TEST_DIR = dir;
  process.env.WHISTLE_TEST_TEMPORAL_CLI = binary;
  (globalThis as Record<string, unknown>).__whistleTemporal = server;
}
