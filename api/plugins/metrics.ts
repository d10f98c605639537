/**
 * Prometheus metrics of the API at `GET /metrics` (text format, no authentication):
 *
 * - `whistle_http_request_duration_seconds{method,route,status_code}` — latency per route
 *   pattern (e.g. `/v1/whistles/:id/triage`), so ids never become labels; requests that match
 *   no route are counted under `route="unmatched"`;
 * - `whistle_http_requests_total{method,route,status_code}` — responses by status;
 * - `whistle_whistles{status}`, `whistle_whistles_overdue`, `whistle_whistles_overdue_by_holder{holder}`
 *   — the caseload from the read model, computed on scrape with two cheap GROUP BY queries and
 *   cached for a few seconds, so many scrapers do not mean many queries;
 * - `whistle_calendar_covered_days_ahead` — days after today through which the official holiday
 *   schedule is known (package or operators' import); alert below 60 (docs/OPERATIONS.md §6);
 * - `whistle_notifications{status="pending"|"failed"}` — notifications waiting for the webhook and
 *   notifications it refused WEBHOOK_MAX_ATTEMPTS times (alert on failed > 0; `npm run
 *   notifications -- retry` queues them again); counted over partial indexes, cached like the
 *   caseload; only with WEBHOOK_URL set (without it nothing is delivered, so nothing is pending);
 * - `whistle_workflows_running{workflow,version,marker}` — running whistles and help requests by
 *   the version of the code they run (lib/workflow-versions.ts: one visibility count per version,
 *   cached for half a minute), so operators see when a version can be retired;
 * - the process's own metrics (CPU, memory, event loop lag, GC) from prom-client.
 *
 * Each app has its own registry: several apps in one process (tests) never collide.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Type } from '@sinclair/typebox';
import { WHISTLE_STATUSES } from '../../domain';
import { cachedVersionCounts, type VersionCount } from '../../lib/workflow-versions';
import { errorsOnly, publicRoute } from '../schemas/common';
import { outboxCounts } from '../../lib/stores/notifications';
import { caseload } from '../../lib/stores/whistle-reports';

export interface MetricsOptions {
  pool: Pool;
  /** A webhook is configured: notifications are delivered, so pending and failed ones are counted. */
  webhook?: boolean;
  /** How long the read-model counts are reused between scrapes (ms). */
  cacheMs?: number;
  /** The holiday calendar's coverage (the calendar service's); without it, no calendar gauge. */
  calendarCoverage?: () => Promise<{ daysAhead: number }>;
  /** Running cases by workflow version (Temporal visibility); without it, no version gauge. */
  versionCounts?: () => Promise<VersionCount[]>;
  /** How long the version counts are reused between scrapes (ms). */
  versionCacheMs?: number;
}

interface Caseload {
  byStatus: Map<string, number>; overdue: number; overdueByHolder: Map<string, number>;
  notifications: { pending: number; failed: number } | null;
}

/** Reads the caseload from PostgreSQL at most once per `cacheMs`; keeps the last answer when it cannot. */
function caseloadReader(pool: Pool, cacheMs: number, webhook: boolean, onError: (err: unknown) => void) {
  let last: Caseload | undefined;
  let readAt = 0;
  let pending: Promise<Caseload | undefined> | undefined;

  async function read(): Promise<Caseload> {
    const [{ byStatus, overdueByHolder }, notifications] = await Promise.all([
      caseload(pool),
      webhook ? outboxCounts(pool) : Promise.resolve(null),
    ]);
    return { byStatus, overdue: [...overdueByHolder.values()].reduce((a, b) => a + b, 0), overdueByHolder, notifications };
  }

  return async (): Promise<Caseload | undefined> => {
    if (last && Date.now() - readAt < cacheMs) return last;
    pending ??= read().then((c) => { last = c; readAt = Date.now(); return c; }, (err) => { onError(err); return last; })
      .finally(() => { pending = undefined; });
    return pending;
  };
}

export default fp<MetricsOptions>(async (app: FastifyInstance, {
  pool, cacheMs = 5000, calendarCoverage, webhook = false, versionCounts, versionCacheMs = 30_000,
}) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const labelNames = ['method', 'route', 'status_code'] as const;
  const duration = new Histogram({
    name: 'whistle_http_request_duration_seconds',
    help: 'API request latency by route pattern and status code',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'whistle_http_requests_total',
    help: 'API responses by route pattern and status code',
    labelNames,
    registers: [registry],
  });

  const caseload = caseloadReader(pool, cacheMs, webhook, (err) => app.log.warn({ err }, 'metrics: the read model did not answer; reporting the last counts'));
  /** A gauge of the caseload, set from the latest counts when Prometheus scrapes (none while the read model never answered). */
  const caseloadGauge = (name: string, help: string, labelNames: string[], report: (gauge: Gauge, c: Caseload) => void) => new Gauge({
    name, help, labelNames, registers: [registry],
    async collect() {
      const c = await caseload();
      if (c) report(this, c);
    },
  });
  caseloadGauge('whistle_whistles', 'Whistles in the read model by status', ['status'], (gauge, c) => {
    for (const status of WHISTLE_STATUSES) gauge.set({ status }, c.byStatus.get(status) ?? 0);
  });
  caseloadGauge('whistle_whistles_overdue', 'Open whistles (not resolved, closed or withdrawn) past a deadline', [], (gauge, c) => {
    gauge.set(c.overdue);
  });
  caseloadGauge('whistle_whistles_overdue_by_holder', 'Open overdue whistles by the organisation that must act now', ['holder'], (gauge, c) => {
    gauge.reset();
    for (const [holder, n] of c.overdueByHolder) gauge.set({ holder }, n);
  });

  if (calendarCoverage) {
    new Gauge({
      name: 'whistle_calendar_covered_days_ahead',
      help: 'Days after today (Asia/Shanghai) through which the official holiday schedule is known (package or operators\' import); below 60, import next year',
      registers: [registry],
      async collect() {
        this.set((await calendarCoverage()).daysAhead);
      },
    });
  }
  caseloadGauge('whistle_notifications',
    'Notifications waiting for the webhook (pending) and refused WEBHOOK_MAX_ATTEMPTS times (failed); only with WEBHOOK_URL', ['status'], (gauge, c) => {
      if (!c.notifications) return;
      gauge.set({ status: 'pending' }, c.notifications.pending);
      gauge.set({ status: 'failed' }, c.notifications.failed);
    });

  if (versionCounts) {
    const versions = cachedVersionCounts(versionCounts, versionCacheMs,
      (err) => app.log.warn({ err }, 'metrics: Temporal did not count the running workflows by version; reporting the last counts'));
    new Gauge({
      name: 'whistle_workflows_running',
      help: 'Running whistle and help workflows on this deployment\'s task queue by the version of the code they run (its patch marker; marker="" for the oldest code)',
      labelNames: ['workflow', 'version', 'marker'],
      registers: [registry],
      async collect() {
        const counts = await versions();
        if (!counts) return;
        for (const c of counts) this.set({ workflow: c.workflow, version: c.version, marker: c.marker ?? '' }, c.running);
      },
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      // The route pattern, never the raw URL: ids and query strings would explode the series.
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    requests.inc(labels);
  });

  app.get('/metrics', {
    schema: {
      tags: ['service'], operationId: 'getMetrics', ...publicRoute,
      summary: 'Prometheus metrics: request latency and status per route, whistles by status, overdue counts, the holiday calendar\'s coverage',
      description: 'No authentication: expose it to the Prometheus server only (block `/metrics` at the reverse proxy).',
      response: {
        200: {
          description: 'Prometheus text exposition format (version 0.0.4), e.g. `whistle_whistles{status="escalated"} 3`',
          content: { 'text/plain': { schema: Type.String() } },
        },
        ...errorsOnly('rate_limited'),
      },
    },
  }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}, { name: 'metrics' });
