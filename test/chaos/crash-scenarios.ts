/**
 * Crashes, proven with real processes: the worker killed with SIGKILL, the Temporal dev server
 * killed with SIGKILL and restarted on its database file, the API killed in the middle of
 * filings. One definition, two sizes: CI (test/reliability-crash.test.ts) and the long chaos
 * run (test/chaos/crash.chaos.ts, `npm run chaos`).
 */
import type { Pool } from 'pg';
import { createPool } from '../../lib/db';
import { whistleIdFor } from '../../api/services/whistles';
import { errorsLogged, sleep, startProcessStack, waitForWorker, type ProcessStack } from '../support/processes';
import { eventually } from '../support/stack';
import {
  PROJECTION_TIMEOUT_MS, fileBody, fleetPolicy, persist, prepareFleet, sendInFlight, settle, verifyFleet, writeFigures,
  type FleetWhistle, type InFlight, type Outage,
} from './fleet';

export interface CrashSize {
  /** Whistles left at the steps of the process before each fault. */
  whistles: number;
  /** The policy's unit of time in seconds (see fleetPolicy). */
  d: number;
  /** How long a killed process stays down before it is started again (ms). */
  downtimeMs: number;
  /** Filings sent while the API is killed, and how many times it is killed. */
  apiFilings: number;
  apiKills: number;
  /** A deadline may fire this much after max(due, end of its outage) (ms): replay and scheduling. */
  slackMs: number;
  /** Name of the figures file. */
  name: string;
}

const PEPPER = 'reliability-pepper';

export function describeCrashes(size: CrashSize) {
  const policy = fleetPolicy(size.d);
  let stack: ProcessStack;
  let db: Pool;
  const outages: Outage[] = [];
  const figures: Record<string, unknown> = { size };
  let workerFleet: FleetWhistle[] = [];
  let temporalFleet: FleetWhistle[] = [];
  let workerFaultAt = 0;
  let temporalFaultAt = 0;

  beforeAll(async () => {
    stack = await startProcessStack({ name: 'crash', policy, ownTemporal: true, pepper: PEPPER });
    db = createPool(stack.db.url, 6);
  }, 240_000);

  afterAll(async () => {
    figures.outages = outages.map((o) => ({
      what: o.what, from: new Date(o.from).toISOString(), backAfterMs: o.ready - o.from, countedUntilMs: o.to - o.from,
    }));
    if (stack) figures.errorsLogged = { api: errorsLogged(`${stack.dir}/api.log`), worker: errorsLogged(`${stack.dir}/worker.log`) };
    writeFigures(size.name, figures);
    await db?.end();
    await stack?.stop();
  }, 60_000);

  /** Leaves `size.whistles` whistles (tagged `tag`) at every step and starts the requests the fault will catch in flight. */
  const beforeFault = async (tag: string) => {
    const started = Date.now();
    const fleet = await prepareFleet(stack.http, tag, size.whistles);
    const preparedMs = Date.now() - started;
    const faultAt = Date.now();
    const inFlight = sendInFlight(stack.http, fleet, tag, Math.ceil(size.whistles / 10));
    await sleep(50);
    return { fleet, preparedMs, faultAt, inFlight };
  };

  test(`the worker killed with SIGKILL while ${size.whistles} whistles wait at every step: in-flight requests complete after its restart`, async () => {
    const { fleet, preparedMs, faultAt, inFlight } = await beforeFault('worker');
    workerFleet = fleet;
    workerFaultAt = faultAt;
    await stack.killWorker();
    await sleep(size.downtimeMs);
    await stack.startWorker();
    const ready = Date.now();
    outages.push({ what: 'worker', from: workerFaultAt, ready, to: Math.max(ready, workerFaultAt + PROJECTION_TIMEOUT_MS) });
    const sent: InFlight = await inFlight;
    workerFleet.push(...sent.filings);
    figures.worker = { preparedMs, downtimeMs: Date.now() - workerFaultAt, inFlight: { ...sent, filings: sent.filings.length } };
    // Every resolve sent into the outage was answered: 200, or 409 where the handling deadline came first.
    expect(Object.keys(sent.answers).every((s) => s === '200' || s === '409')).toBe(true);
  }, 600_000);

  test(`the Temporal dev server killed with SIGKILL and restarted on its database file while ${size.whistles} more whistles wait`, async () => {
    const { fleet, preparedMs, faultAt, inFlight } = await beforeFault('temporal');
    temporalFleet = fleet;
    temporalFaultAt = faultAt;
    await stack.temporal!.kill();
    // While Temporal is down, readiness says so; reads of the read model go on.
    const ready = await stack.http.call(null, 'GET', '/readyz');
    const read = await stack.http.call('center', 'GET', `/v1/whistles/${temporalFleet[0].id}`);
    await sleep(size.downtimeMs);
    await stack.temporal!.restart();
    await waitForWorker(stack.client, stack.taskQueue, new Set());
    outages.push({ what: 'temporal', from: temporalFaultAt, ready: Date.now(), to: Date.now() });
    const sent = await inFlight;
    temporalFleet.push(...sent.filings);
    figures.temporal = {
      preparedMs, downtimeMs: Date.now() - temporalFaultAt, workerSurvived: stack.worker.alive,
      inFlight: { ...sent, filings: sent.filings.length },
    };
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('unavailable');
    expect(read.status).toBe(200);
    expect(stack.worker.alive).toBe(true);
    expect(Object.keys(sent.answers).every((s) => s === '200' || s === '409')).toBe(true);
  }, 600_000);

  test(`the API killed ${size.apiKills} time(s) in the middle of ${size.apiFilings} filings: each client retrying with its Idempotency-Key gets exactly one whistle`, async () => {
    const tag = 'api';
    const answers = new Map<string, Set<string>>();
    let sent = 0;
    let failedAttempts = 0;
    let next = 0;
    const client = async () => {
      while (next < size.apiFilings) {
        const i = next++;
        const community = ['xiguan', 'qinjiang', 'changan', 'xianqi'][i % 4];
        const key = `${tag}-${i}`;
        sent++;
        const { res, failures } = await persist(stack.http, community, 'POST', '/v1/whistles', fileBody(tag, i), { 'idempotency-key': key });
        failedAttempts += failures;
        expect(res.status).toBe(201);
        const ids = answers.get(key) ?? new Set<string>();
        ids.add(res.body.id);
        answers.set(key, ids);
        // The same key from the same account names the same whistle, whatever happened in between.
        expect(res.body.id).toBe(whistleIdFor(community, key));
      }
    };
    const killer = async () => {
      for (let k = 1; k <= size.apiKills; k++) {
        while (sent < (size.apiFilings * k) / (size.apiKills + 1)) await sleep(10);
        await stack.killApi();
        await sleep(500);
        await stack.startApi();
      }
    };
    const started = new Date();
    await Promise.all([...Array.from({ length: 8 }, client), killer()]);
    const ids = [...answers.values()].flatMap((s) => [...s]);
    expect(answers.size).toBe(size.apiFilings);
    expect(ids.length).toBe(size.apiFilings); // one id per key
    expect(new Set(ids).size).toBe(size.apiFilings);
    // Exactly one workflow and one read-model row per key.
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whistles WHERE id = ANY($1)', [ids]);
    expect(rows.rows[0].n).toBe(size.apiFilings);
    const byTitle = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM whistles WHERE view->>'title' LIKE 'api 第%'");
    expect(byTitle.rows[0].n).toBe(size.apiFilings);
    // Visibility follows the starts a moment later (the API answers once the start is recorded).
    const countWorkflows = async () => {
      let n = 0;
      for await (const _ of stack.client.workflow.list({ query: `WorkflowType = 'whistle' AND StartTime >= '${started.toISOString()}'` })) n++;
      return n;
    };
    await eventually(async () => (await countWorkflows()) >= size.apiFilings, 30_000, 'every start visible');
    await sleep(1000);
    const workflows = await countWorkflows();
    const filed = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM whistle_events WHERE whistle_id = ANY($1) AND type = 'filed'", [ids]);
    expect(filed.rows[0].n).toBe(size.apiFilings);
    figures.api = { filings: size.apiFilings, kills: size.apiKills, failedAttempts, whistles: rows.rows[0].n, workflowsStarted: workflows };
    expect(workflows).toBe(size.apiFilings);
    expect(failedAttempts).toBeGreaterThan(0);
  }, 600_000);

  const settleMs = () => 3 * size.d * 1000 + 60_000;

  /**
   * Waits for the fleet to settle and verifies it against the outages, into figures[`key`]: no problem,
   * every whistle there, and timers were pending when the fault came.
   */
  const settledAndVerified = async (key: string, fleet: FleetWhistle[], faultAt: number) => {
    await settle(db, fleet, settleMs());
    const f = await verifyFleet(stack, db, fleet, policy, outages, faultAt, size.slackMs);
    figures[key] = f;
    expect(f.problems).toEqual([]);
    expect(f.whistles).toBeGreaterThanOrEqual(size.whistles);
    expect(f.timersPendingAtFault).toBeGreaterThan(0);
    return f;
  };

  test('after the worker was killed: every whistle reached the state it should, every deadline fired (late by at most the downtime), nothing duplicated or lost', async () => {
    const f = await settledAndVerified('workerVerified', workerFleet, workerFaultAt);
    expect(f.deadlinesDuringOutage).toBeGreaterThan(0);
  }, 600_000);

  test('after Temporal was killed: every whistle reached the state it should, every deadline fired (late by at most the downtime), nothing duplicated or lost', async () => {
    await settledAndVerified('temporalVerified', temporalFleet, temporalFaultAt);
  }, 600_000);
}
