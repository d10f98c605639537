/**
 * `npm run lint:openapi`: builds the app exactly as `npm run api` does but without live
 * services (the pool and the Temporal connection are lazy and never used), writes its
 * OpenAPI document (the same as `GET /openapi.json`) to a temporary file and lints it with
 * Redocly CLI under the rules in redocly.yaml. Exit code 0 only when the lint passes.
 *
 *   npm run lint:openapi                 lint
 *   npm run lint:openapi -- --out FILE   also keep the document in FILE
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import pino from 'pino';
import { buildApp } from '../api/app';
import { readConfig } from '../lib/config';

const ROOT = path.join(__dirname, '..');
export const REDOCLY_CONFIG = path.join(ROOT, 'redocly.yaml');

/** The OpenAPI document of the app, built with lazy dependencies (nothing is contacted). */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = readConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const pool = new Pool({ connectionString: config.databaseUrl, max: 1 });
  const connection = Connection.lazy({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const app = await buildApp({ config, pool, temporal, logger: pino({ level: 'silent' }) });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
    await connection.close().catch(() => undefined);
  }
}

/** Runs `redocly lint` on a document file; returns its exit code and what it printed. */
export function redoclyLint(file: string): { ok: boolean; output: string } {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'redocly');
  const run = spawnSync(bin, ['lint', file, '--config', REDOCLY_CONFIG, '--format', 'stylish'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (run.error) throw run.error;
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/**
 * Writes the document (indented, so findings point at readable lines) to `file`, or to a
 * temporary file removed afterwards, and lints it.
 */
export function lintDocument(doc: unknown, file?: string): { ok: boolean; output: string } {
  const dir = file ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'whistle-openapi-'));
  const target = file ?? path.join(dir!, 'openapi.json');
  try {
    fs.writeFileSync(target, `${JSON.stringify(doc, null, 2)}\n`);
    return redoclyLint(target);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  if ((outIndex >= 0 && !out) || args.some((a, i) => i !== outIndex && !(outIndex >= 0 && i === outIndex + 1))) {
    console.error('usage: npm run lint:openapi [-- --out FILE]');
    process.exit(2);
  }
  const result = lintDocument(await openApiDocument(), out);
  process.stdout.write(result.output);
  console.log(result.ok ? 'the OpenAPI document passes redocly lint' : 'the OpenAPI document fails redocly lint (rules: redocly.yaml)');
  if (out) console.log(`document written to ${out}`);
  process.exit(result.ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
