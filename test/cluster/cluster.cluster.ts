/**
 * The production topology under load (`npm run test:cluster`, not part of `npm test`): a real
 * Temporal server on PostgreSQL, two workers and two APIs (scripts/cluster.ts). Hundreds of
 * whistles are filed over both APIs and driven through their lifecycle; half-way one worker
 * and one API are killed (SIGKILL). Every whistle must still end where it should — in
 * Temporal (visibility) and in the read model — with nothing lost and nothing done twice.
 *
 * Env: CLUSTER_TEST_WHISTLES (500), CLUSTER_TEST_LANES (whistles in flight at once, 24),
 * CLUSTER_TEST_PORT (Temporal frontend, 7733; see clusterPorts). Figures are printed and
 * written to data/cluster-test/results.json.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster';
import type { ClusterProcess } from '../../scripts/cluster/processes';
import { clusterSettings } from '../../scripts/cluster/settings';
import { dropDatabases } from '../../scripts/cluster/temporal-server';
import { jsonOrText, type Json } from '../support/json';

const WHISTLES = Number(process.env.CLUSTER_TEST_WHISTLES ?? 500);
const LANES = Number(process.env.CLUSTER_TEST_LANES ?? 24);
const RUN = Date.now().toString(36);

const settings = {
  ...clusterSettings({
    ...process.env,
    CLUSTER_TEMPORAL_PORT: process.env.CLUSTER_TEST_PORT ?? '7733',
    CLUSTER_DB_PREFIX: 'cluster_test',
    CLUSTER_DIR: path.join('data', 'cluster-test'),
  }),
  workers: 2,
  apis: 2,
  log: (message: string) => process.stdout.write(`[cluster] ${message}\n`),
  appEnv: {
    // Deadlines a month away: only the actions below move the whistles.
    POLICY_FILE: path.join(__dirname, 'policy.json'),
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.CLUSTER_TEST_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'development',
  },
};

// ---- HTTP, with failover between the APIs --------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

interface Reply { status: number; body: Json }

function request(base: string, method: string, url: string, as: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(`${base}${url}`, {
      method, agent,
      headers: {
        ...(as ? { authorization: `Bearer dev-${as}` } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: jsonOrText(Buffer.concat(chunks).toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Counters { requests: number; refused: number; broken: number; serverErrors: number; ambiguousRetries: number }
const counters: Counters = { requests: 0, refused: 0, broken: 0, serverErrors: 0, ambiguousRetries: 0 };
/** APIs that refused a connection: skipped from then on, as a load balancer's health check would. */
const down = new Set<string>();

/**
 * One call, starting at API `prefer` and failing over to the next on a refused connection, a
 * broken one or a 5xx. `ambiguous` tells whether an earlier attempt may have gone through.
 */
async function call(apis: string[], prefer: number, method: string, url: string, as: string | null, body?: unknown, headers?: Record<string, string>):
  Promise<Reply & { ambiguous: boolean }> {
  let ambiguous = false;
  let last: unknown;
  for (let attempt = 0; attempt < 12; attempt++) {
    const up = apis.filter((a) => !down.has(a));
    const pool = up.length > 0 ? up : apis;
    const base = pool[(prefer + attempt) % pool.length];
    counters.requests++;
    try {
      const reply = await request(base, method, url, as, body, headers);
      if (reply.status >= 500) {
        counters.serverErrors++;
        ambiguous = true;
        last = new Error(`${reply.status} ${JSON.stringify(reply.body)}`);
        await sleep(250 * attempt);
        continue;
      }
      return { ...reply, ambiguous };
    } catch (err) {
      last = err;
      if ((err as { code?: string }).code === 'ECONNREFUSED') {
        counters.refused++; // never reached the API: safe to send again
        down.add(base);
      } else {
        counters.broken++;
        ambiguous = true;
      }
      await sleep(100 * attempt);
    }
  }
  throw new Error(`${method} ${url} failed on every API: ${String(last)}`);
}

// ---- the plan of every whistle ---------------------------------------------------------------

interface Org { id: string; kind: string; parentId: string | null }
interface Step { as: string; action: string; body?: Record<string, unknown>; status: string; events: string[] }
type Kind = 'full' | 'street' | 'withdrawn' | 'open' | 'reopened';
interface Plan {
  index: number; kind: Kind; filer: string; steps: Step[];
  finalStatus: string; finalEvents: string[]; completed: boolean;
  id?: string; doneSteps: number; finishedAt?: number;
}

const LISTS = ['immediate', 'phased', 'understanding'] as const;
const CATEGORIES = ['environment', 'property', 'roads', 'utilities', 'housing', 'noise', 'parking', 'other'];

function kindOf(i: number): Kind {
  const r = i % 20;
  if (r < 2) return 'street';
  if (r < 4) return 'withdrawn';
  if (r === 4) return 'open';
  if (r === 5) return 'reopened';
  return 'full';
}

function planFor(i: number, orgs: Org[]): Plan {
  const communities = orgs.filter((o) => o.kind === 'community');
  const departments = orgs.filter((o) => o.kind === 'department').map((o) => o.id);
  const community = communities[i % communities.length];
  const compound = orgs.find((o) => o.kind === 'compound' && o.parentId === community.id);
  const filer = i % 25 === 7 && compound ? compound.id : community.id;
  const street = community.parentId!;
  const lead = departments[i % departments.length];
  const depts = i % 3 === 0 ? [lead, departments[(i + 1) % departments.length]] : [lead];
  const list = LISTS[Math.floor(i / 3) % LISTS.length];
  const kind = kindOf(i);

  const steps: Step[] = [{ as: filer, action: 'file', status: 'filed', events: ['filed'] }];
  const add = (as: string, action: string, status: string, events: string[], body?: Record<string, unknown>) =>
    steps.push({ as, action, status, events, body });
  /** The street accepts it and passes it up to the center. */
  const streetEscalates = () => {
    add(street, 'accept', 'street_handling', ['accepted']);
    add(street, 'escalate', 'escalated', ['escalated'], { reason: '街道无权处理' });
  };
  const departmentsHandle = (resolve: boolean) => {
    add('center', 'triage', 'dispatched', ['triaged'], { list, departmentIds: depts, leadDepartmentId: lead, note: '压测派单' });
    for (const d of depts) add(d, 'accept', 'department_handling', ['accepted']);
    if (resolve) add(lead, 'resolve', 'resolved', ['resolved'], { result: `第${i}号事项已处理` });
  };

  switch (kind) {
    case 'withdrawn':
      add(filer, 'withdraw', 'withdrawn', ['withdrawn'], { reason: '社区已自行解决' });
      break;
    case 'street':
      add(street, 'accept', 'street_handling', ['accepted']);
      add(street, 'resolve', 'resolved', ['resolved'], { result: '街道已处理' });
      add(filer, 'evaluate', 'closed', ['evaluated', 'closed'], { rating: 'satisfied' });
      break;
    case 'open':
      streetEscalates();
      departmentsHandle(false);
      break;
    case 'reopened':
      streetEscalates();
      departmentsHandle(true);
      add(filer, 'evaluate', 'escalated', ['evaluated', 'reopened'], { rating: 'unsatisfied', comment: '问题仍在' });
      departmentsHandle(true);
      add(filer, 'evaluate', 'closed', ['evaluated', 'closed'], { rating: 'basically_satisfied' });
      break;
    case 'full':
      streetEscalates();
      departmentsHandle(true);
      add(filer, 'evaluate', 'closed', ['evaluated', 'closed'], { rating: i % 2 ? 'satisfied' : 'basically_satisfied' });
      break;
  }
  const last = steps[steps.length - 1];
  return {
    index: i, kind, filer, steps, finalStatus: last.status, finalEvents: steps.flatMap((s) => s.events),
    completed: last.status === 'closed' || last.status === 'withdrawn', doneSteps: 0,
  };
}

// ---- CPU time of the processes (for per-whistle costs) ------------------------------------------

const TICKS = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MiB. */
function rssMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine so far (all cores, everyone's processes). */
function machineCpu(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0) / TICKS;
  const idle = (fields[3] + fields[4]) / TICKS; // idle, iowait
  return { busy: total - idle, total };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function databaseSizes(pool: Pool, names: string[]): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ datname: string; bytes: string }>(
    'SELECT datname, pg_database_size(datname) AS bytes FROM pg_database WHERE datname = ANY($1)', [names]);
  return Object.fromEntries(rows.map((r) => [r.datname, Number(r.bytes)]));
}

async function postgresBackends(pool: Pool, names: string[]): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [names]);
  return rows.map((r) => r.pid);
}

// ---- the run -----------------------------------------------------------------------------------

let cluster: Cluster;
let admin: Pool;
let temporal: TemporalClient;
let plans: Plan[] = [];
const figures: Record<string, unknown> = {};
const dbNames = [`temporal_${settings.dbPrefix}`, `temporal_${settings.dbPrefix}_visibility`, `whistle_${settings.dbPrefix}`];
let sizesAtStart: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  cluster = await startCluster(settings, { fresh: true });
  figures.clusterStartSeconds = Math.round((Date.now() - started) / 1000);
  admin = new Pool({ connectionString: settings.postgresUrl, max: 2 });
  const connection = await Connection.connect({ address: cluster.temporalAddress });
  temporal = new TemporalClient({ connection, namespace: cluster.namespace });
});

afterAll(async () => {
  await temporal?.connection.close().catch(() => undefined);
  await admin?.end().catch(() => undefined);
  agent.destroy();
  await cluster?.stop();
  if (!process.env.CLUSTER_TEST_KEEP) await dropDatabases(settings);
});

test(`${WHISTLES} whistles filed over two APIs go through their lifecycle while a worker and an API are killed half-way`, async () => {
  const apis = cluster.apis.map((a) => a.url);
  const orgs = (await call(apis, 0, 'GET', '/v1/orgs', 'center')).body as Org[];
  plans = Array.from({ length: WHISTLES }, (_, i) => planFor(i, orgs));
  const totalSteps = plans.reduce((n, p) => n + p.steps.length, 0);
  let doneSteps = 0;

  const processes: ClusterProcess[] = [cluster.server, ...cluster.workers, ...cluster.apis];
  const cpuAtStart = new Map(processes.map((p) => [p.pid, cpuSeconds(p.pid) ?? 0]));
  const cpuAtKill = new Map<number, number>();
  const rssAtKill = new Map<number, number>();
  sizesAtStart = await databaseSizes(admin, dbNames);
  const machineAtStart = machineCpu();
  const pgAtStart = new Map((await postgresBackends(admin, dbNames)).map((pid) => [pid, cpuSeconds(pid) ?? 0]));
  const loadCpuAtStart = process.cpuUsage();

  const victims = { worker: cluster.workers[0], api: cluster.apis[0] };
  let killedAt: number | undefined;
  const latencies: { before: number[]; after: number[] } = { before: [], after: [] };
  let stepsAtKill = 0;
  const kill = () => {
    killedAt = Date.now();
    stepsAtKill = doneSteps;
    for (const p of [victims.worker, victims.api]) {
      cpuAtKill.set(p.pid, cpuSeconds(p.pid) ?? 0);
      rssAtKill.set(p.pid, rssMiB(p.pid) ?? 0);
    }
    victims.worker.child.kill('SIGKILL');
    victims.api.child.kill('SIGKILL');
  };

  /** After an ambiguous failure the action may have happened already: the whistle shows it. */
  const alreadyDone = async (plan: Plan, expected: string[]) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const reply = await call(apis, plan.index, 'GET', `/v1/whistles/${plan.id}`, 'center');
      const seen = reply.status === 200 ? (reply.body.timeline as Array<{ type: string }>).map((e) => e.type) : [];
      if (JSON.stringify(seen) === JSON.stringify(expected)) return;
      if (Date.now() > deadline) throw new Error(`whistle ${plan.id}: expected timeline ${expected.join(',')}, found ${seen.join(',')}`);
      await sleep(500);
    }
  };

  const drive = async (plan: Plan) => {
    const events: string[] = [];
    for (const step of plan.steps) {
      const expected = [...events, ...step.events];
      const prefer = plan.index + plan.doneSteps; // alternate between the APIs
      const sentAt = Date.now();
      let reply: Reply & { ambiguous: boolean };
      if (step.action === 'file') {
        reply = await call(apis, prefer, 'POST', '/v1/whistles', step.as, {
          title: `压测事项${plan.index}：小区路灯不亮`,
          description: '夜间路灯不亮已一周，居民出行不便。',
          category: CATEGORIES[plan.index % CATEGORIES.length],
          location: { address: `${plan.index}号楼` },
          reporter: { name: '李大爷', phone: '13800000000' },
          urgent: plan.index % 10 === 9,
        }, { 'idempotency-key': `cluster-${RUN}-${plan.index}` });
        if (reply.status !== 201) throw new Error(`filing ${plan.index}: ${reply.status} ${JSON.stringify(reply.body)}`);
        plan.id = reply.body.id;
      } else {
        reply = await call(apis, prefer, 'POST', `/v1/whistles/${plan.id}/${step.action}`, step.as, step.body);
        if (reply.status !== 200) {
          if (reply.ambiguous && (reply.status === 409 || reply.status === 403)) {
            counters.ambiguousRetries++;
            await alreadyDone(plan, expected);
            reply = { status: 200, body: null, ambiguous: true };
          } else {
            throw new Error(`whistle ${plan.id} ${step.action} by ${step.as}: ${reply.status} ${JSON.stringify(reply.body)}`);
          }
        }
      }
      if (reply.body) {
        const view = reply.body as { status: string; timeline: Array<{ type: string }> };
        const seen = view.timeline.map((e) => e.type);
        if (view.status !== step.status || JSON.stringify(seen) !== JSON.stringify(expected)) {
          throw new Error(`whistle ${plan.id} after ${step.action}: status ${view.status} timeline ${seen.join(',')}; ` +
            `expected ${step.status} ${expected.join(',')}`);
        }
      }
      (killedAt === undefined ? latencies.before : latencies.after).push(Date.now() - sentAt);
      events.push(...step.events);
      plan.doneSteps++;
      doneSteps++;
      if (killedAt === undefined && doneSteps >= totalSteps / 2) kill();
    }
    plan.finishedAt = Date.now();
  };

  const startedAt = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: LANES }, async () => {
    while (next < plans.length) await drive(plans[next++]);
  }));
  const endedAt = Date.now();

  expect(killedAt).toBeDefined();
  expect(victims.worker.exitedWith ?? (await victims.worker.exited)).toBe('SIGKILL');
  expect(victims.api.exitedWith ?? (await victims.api.exited)).toBe('SIGKILL');
  expect(plans.every((p) => p.doneSteps === p.steps.length && p.id)).toBe(true);
  expect(new Set(plans.map((p) => p.id)).size).toBe(WHISTLES);

  // Figures: throughput before and after the kill, CPU seconds of each part.
  const rss = (p: ClusterProcess) => rssAtKill.get(p.pid) ?? rssMiB(p.pid) ?? 0;
  const cpu = (p: ClusterProcess) => ((cpuAtKill.get(p.pid) ?? cpuSeconds(p.pid) ?? 0) - (cpuAtStart.get(p.pid) ?? 0));
  let pgCpu = 0;
  for (const pid of await postgresBackends(admin, dbNames)) pgCpu += (cpuSeconds(pid) ?? 0) - (pgAtStart.get(pid) ?? 0);
  const loadCpu = process.cpuUsage(loadCpuAtStart);
  const machineAtEnd = machineCpu();
  const latency = (ms: number[]) => ({ p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: percentile(ms, 100) });
  const seconds = (endedAt - startedAt) / 1000;
  const before = (killedAt! - startedAt) / 1000;
  const after = (endedAt - killedAt!) / 1000;
  const finishedBefore = plans.filter((p) => p.finishedAt! <= killedAt!).length;
  Object.assign(figures, {
    whistles: WHISTLES, lanes: LANES, actions: totalSteps,
    seconds: +seconds.toFixed(1),
    whistlesPerSecond: +(WHISTLES / seconds).toFixed(2),
    actionsPerSecond: +(totalSteps / seconds).toFixed(1),
    twoWorkersTwoApis: { seconds: +before.toFixed(1), actions: stepsAtKill, actionsPerSecond: +(stepsAtKill / before).toFixed(1), whistlesFinished: finishedBefore },
    oneWorkerOneApi: {
      seconds: +after.toFixed(1), actions: totalSteps - stepsAtKill, actionsPerSecond: +((totalSteps - stepsAtKill) / after).toFixed(1),
      whistlesFinished: WHISTLES - finishedBefore,
    },
    cpuSeconds: {
      temporalServer: +cpu(cluster.server).toFixed(1),
      workers: cluster.workers.map((w) => +cpu(w).toFixed(1)),
      apis: cluster.apis.map((a) => +cpu(a).toFixed(1)),
      postgresBackends: +pgCpu.toFixed(1),
      loadGenerator: +((loadCpu.user + loadCpu.system) / 1e6).toFixed(1),
    },
    rssMiB: { temporalServer: rss(cluster.server), workers: cluster.workers.map(rss), apis: cluster.apis.map(rss) },
    actionLatencyMs: { twoWorkersTwoApis: latency(latencies.before), oneWorkerOneApi: latency(latencies.after) },
    machine: {
      cores: Math.round((machineAtEnd.total - machineAtStart.total) / seconds),
      busyCores: +((machineAtEnd.busy - machineAtStart.busy) / seconds).toFixed(2),
    },
    http: { ...counters },
    byKind: Object.fromEntries(['full', 'street', 'withdrawn', 'open', 'reopened'].map((k) => [k, plans.filter((p) => p.kind === k).length])),
  });
});

test('Temporal holds exactly one workflow per whistle, each in the state its story leads to', async () => {
  const expectedIds = new Set(plans.map((p) => `whistle-${p.id}`));
  const running = plans.filter((p) => !p.completed).length;
  const count = async (query: string) => (await temporal.workflow.count(query)).count;
  // Visibility is written asynchronously: wait until it has caught up.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [all, completed, open] = await Promise.all([
      count(`WorkflowType = 'whistle'`),
      count(`WorkflowType = 'whistle' AND ExecutionStatus = 'Completed'`),
      count(`WorkflowType = 'whistle' AND ExecutionStatus = 'Running'`),
    ]);
    if ((all === WHISTLES && completed === WHISTLES - running && open === running) || Date.now() > deadline) {
      expect({ all, completed, open }).toEqual({ all: WHISTLES, completed: WHISTLES - running, open: running });
      break;
    }
    await sleep(1000);
  }
  const listed: string[] = [];
  for await (const wf of temporal.workflow.list({ query: `WorkflowType = 'whistle'` })) listed.push(wf.workflowId);
  expect(listed.length).toBe(WHISTLES);
  expect(new Set(listed)).toEqual(expectedIds);

  // The search attributes the workflows keep current agree with the stories.
  const statuses = [...new Set(plans.map((p) => p.finalStatus))];
  for (const status of statuses) {
    expect(await count(`WorkflowType = 'whistle' AND WhistleStatus = '${status}'`))
      .toBe(plans.filter((p) => p.finalStatus === status).length);
  }
});

test('the read model holds every whistle once, with exactly one filed event and its whole timeline', async () => {
  const pool = new Pool({ connectionString: cluster.databaseUrl, max: 2 });
  try {
    const byId = new Map(plans.map((p) => [p.id!, p]));
    // Projections retried after the kill may land a little later: wait for them.
    const deadline = Date.now() + 120_000;
    let wrong: string[] = [];
    for (;;) {
      const { rows } = await pool.query<{ id: string; status: string; events: string[] }>(
        `SELECT w.id, w.status, coalesce(array_agg(e.type ORDER BY e.seq) FILTER (WHERE e.seq IS NOT NULL), '{}') AS events
           FROM whistles w LEFT JOIN whistle_events e ON e.whistle_id = w.id GROUP BY w.id, w.status`);
      wrong = [];
      if (rows.length !== WHISTLES) wrong.push(`${rows.length} rows`);
      for (const row of rows) {
        const plan = byId.get(row.id);
        if (!plan) wrong.push(`unexpected whistle ${row.id}`);
        else if (row.status !== plan.finalStatus || row.events.join() !== plan.finalEvents.join()) {
          wrong.push(`${row.id} (${plan.kind}): ${row.status} [${row.events.join()}], expected ${plan.finalStatus} [${plan.finalEvents.join()}]`);
        }
      }
      if (wrong.length === 0 || Date.now() > deadline) break;
      await sleep(1000);
    }
    expect(wrong.slice(0, 10)).toEqual([]);

    const filed = await pool.query<{ id: string; n: number }>(
      `SELECT w.id, count(e.*) FILTER (WHERE e.type = 'filed')::int AS n
         FROM whistles w LEFT JOIN whistle_events e ON e.whistle_id = w.id GROUP BY w.id`);
    expect(filed.rows.length).toBe(WHISTLES);
    expect(filed.rows.filter((r) => r.n !== 1)).toEqual([]);

    const { rows: statusCounts } = await pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM whistles GROUP BY status ORDER BY status');
    const expected = new Map<string, number>();
    for (const p of plans) expected.set(p.finalStatus, (expected.get(p.finalStatus) ?? 0) + 1);
    expect(Object.fromEntries(statusCounts.map((r) => [r.status, r.n]))).toEqual(Object.fromEntries(expected));
    figures.finalStatuses = Object.fromEntries(expected);
    const sizes = await databaseSizes(admin, dbNames);
    figures.databaseSizeAtStartKiB = Object.fromEntries(dbNames.map((n) => [n, Math.round((sizesAtStart[n] ?? 0) / 1024)]));
    figures.databaseGrowthKiB = Object.fromEntries(dbNames.map((n) => [n, Math.round((sizes[n] - (sizesAtStart[n] ?? 0)) / 1024)]));
  } finally {
    await pool.end();
  }
});

afterAll(() => {
  if (!figures.whistles) return;
  fs.mkdirSync(settings.dir, { recursive: true });
  fs.writeFileSync(path.join(settings.dir, 'results.json'), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`\ncluster test figures:\n${JSON.stringify(figures, null, 2)}\n`);
});
