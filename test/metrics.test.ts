/**
 * Metrics for operators: the API's `/metrics` (request latency and status per route, the
 * caseload from the read model) and the worker's Temporal SDK metrics, both in Prometheus
 * text format without authentication.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import pino from 'pino';
import { buildApp } from '../api/app';
import { readConfig } from '../lib/config';
import { freePort } from '../lib/temporal-dev-server';
import { eventually, filing, startStack, type Stack } from './support/stack';
import { TEST_PEPPER } from './support/constants';

/** `name{labels} value` lines of a Prometheus text page → value by series. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

let stack: Stack;
// The street has 1 second to accept and two minutes to handle: a whistle left alone is overdue with the street.
beforeAll(async () => { stack = await startStack({ policy: { street: { acceptWithin: { seconds: 1 }, handleWithin: { seconds: 120 } } } }); });
afterAll(async () => { await stack.stop(); });

async function scrape(): Promise<{ status: number; type: string; text: string; values: Map<string, number> }> {
  const res = await stack.app.inject({ method: 'GET', url: '/metrics' });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body, values: series(res.body) };
}

describe('the API\'s /metrics', () => {
  test('answers without a key in Prometheus text format', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE whistle_http_request_duration_seconds histogram');
    expect(res.text).toContain('# TYPE whistle_whistles gauge');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  test('counts responses and latency by route pattern and status, never by raw id', async () => {
    const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing());
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    await stack.call('xiguan', 'GET', `/v1/whistles/${id}`);
    await stack.call('xiguan', 'GET', '/v1/whistles/0000000000000000'); // 404
    await stack.call('xiguan', 'POST', `/v1/whistles/${id}/triage`, { list: 'immediate', departmentIds: ['urban'] }); // 403
    await stack.call(null, 'GET', `/v1/no-such-route/${id}`);

    const { text, values } = await scrape();
    expect(values.get('whistle_http_requests_total{method="POST",route="/v1/whistles",status_code="201"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('whistle_http_requests_total{method="GET",route="/v1/whistles/:id",status_code="200"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('whistle_http_requests_total{method="GET",route="/v1/whistles/:id",status_code="404"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('whistle_http_requests_total{method="POST",route="/v1/whistles/:id/triage",status_code="403"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('whistle_http_requests_total{method="GET",route="unmatched",status_code="404"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('whistle_http_request_duration_seconds_count{method="POST",route="/v1/whistles",status_code="201"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('whistle_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/whistles",status_code="201"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(id);
  });

  test('gives whistles by status and the overdue ones by holder, from the read model', async () => {
    const before = (await scrape()).values;
    const filedBefore = before.get('whistle_whistles{status="filed"}') ?? 0;
    const overdueBefore = before.get('whistle_whistles_overdue') ?? 0;
    const streetBefore = before.get('whistle_whistles_overdue_by_holder{holder="wuhang"}') ?? 0;
    for (const status of ['filed', 'street_handling', 'escalated', 'dispatched', 'department_handling', 'resolved', 'closed', 'withdrawn']) {
      expect(before.has(`whistle_whistles{status="${status}"}`)).toBe(true);
    }

    const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: '指标测试：路面塌陷' }));
    expect(filed.status).toBe(201);
    // Counts are cached for a few seconds and the street's acceptance deadline must pass first.
    const after = await eventually(async () => {
      const v = (await scrape()).values;
      return (v.get('whistle_whistles_overdue') ?? 0) > overdueBefore ? v : undefined;
    }, 30_000, 'the overdue whistle in the metrics');
    expect(after.get('whistle_whistles{status="filed"}')).toBeGreaterThan(filedBefore);
    expect(after.get('whistle_whistles_overdue_by_holder{holder="wuhang"}')).toBeGreaterThan(streetBefore);
  });

  test('still answers, with the request metrics, when PostgreSQL does not', async () => {
    const config = readConfig({ API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent' });
    const pool = new Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'nothing', connectionTimeoutMillis: 1000 });
    const connection = Connection.lazy({ address: process.env.WHISTLE_TEST_TEMPORAL! });
    const app = await buildApp({ config, pool, temporal: new Client({ connection }), logger: pino({ level: 'silent' }) });
    try {
      await app.inject({ method: 'GET', url: '/healthz' });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('whistle_http_requests_total{method="GET",route="/healthz",status_code="200"} 1');
      expect(res.body).not.toMatch(/^whistle_whistles\{/m);
    } finally {
      await app.close();
      await pool.end();
      await connection.close().catch(() => undefined);
    }
  });
});

describe('the worker\'s metrics', () => {
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
  });

  test('npm run worker serves the Temporal SDK\'s metrics on WORKER_METRICS_PORT', async () => {
    const port = await freePort();
    const root = path.join(__dirname, '..');
    worker = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'worker/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.WHISTLE_TEST_TEMPORAL,
        DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL,
        TEMPORAL_TASK_QUEUE: `metrics-${randomBytes(4).toString('hex')}`,
        API_KEY_PEPPER: TEST_PEPPER,
        WORKER_METRICS_PORT: String(port),
        LOG_LEVEL: 'warn',
        WEBHOOK_URL: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      const body = await res.text();
      return res.ok && /^temporal_num_pollers\{/m.test(body) ? body : undefined;
    }, 90_000, 'the worker\'s metrics endpoint');
    expect(text).toMatch(/^temporal_worker_start\{.*task_queue="metrics-/m);
    expect(text).toMatch(/^temporal_request\{/m);
  }, 120_000);
});
