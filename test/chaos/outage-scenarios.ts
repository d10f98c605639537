/**
 * A PostgreSQL outage under load, with real processes: the worker and the API reach PostgreSQL
 * only through a TCP proxy that the test pauses (every connection reset, new ones reset on
 * arrival) for OUTAGE_SECONDS. Reads must answer 503 `unavailable`; a filing either succeeds
 * (its workflow exists and the read model catches up) or answers 503 with nothing started; once
 * PostgreSQL is back, the reconciliation (scripts/reconcile.ts) finds no difference between any
 * workflow's `view` and its read-model row. Then the reconciliation command is shown finding
 * deliberate drift and repairing it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import { whistleIdFor } from '../../api/services/whistles';
import { createPool } from '../../lib/db';
import { reconcile } from '../../scripts/reconcile';
import { ROOT, errorsLogged, sleep, startProcessStack, type ProcessStack } from '../support/processes';
import { fileBody, writeFigures } from './fleet';

const run = promisify(execFile);

export interface OutageSize {
  outageSeconds: number;
  /** Whistles filed before the outage (read during it; half are accepted during it). */
  whistles: number;
  /** Concurrent clients during the outage. */
  clients: number;
  name: string;
}

type Kind = 'read' | 'list' | 'file' | 'file-with-reporter' | 'accept';
interface Sent { kind: Kind; as: string; started: number; ended: number; status: number; code?: string; key?: string; id?: string; failed?: string }

const COMMUNITIES: Array<[string, string]> = [['xiguan', 'wuhang'], ['qinjiang', 'hangcheng'], ['changan', 'yingqian'], ['xianqi', 'zhanggang']];
const PEPPER = 'outage-pepper';
const s = (n: number) => ({ seconds: n });

export function describeOutage(size: OutageSize) {
  let stack: ProcessStack;
  let db: Pool;
  const figures: Record<string, unknown> = { size };
  const filedBefore: Array<{ id: string; community: string; street: string }> = [];

  beforeAll(async () => {
    stack = await startProcessStack({
      name: 'outage', pgProxy: true, pepper: PEPPER,
      // Acceptance deadlines fall into the outage: the workflows have changes to publish while PostgreSQL is away.
      policy: { street: { acceptWithin: s(4), acceptWithinUrgent: s(4), handleWithin: s(3600) }, center: { triageWithin: s(3600) } },
    });
    db = createPool(stack.db.url, 4);
  }, 240_000);

  afterAll(async () => {
    if (stack) figures.errorsLogged = { api: errorsLogged(`${stack.dir}/api.log`), worker: errorsLogged(`${stack.dir}/worker.log`) };
    writeFigures(size.name, figures);
    await db?.end();
    await stack?.stop();
  }, 60_000);

  test(`PostgreSQL away for ${size.outageSeconds} s under load: reads 503, filings whole or refused, the read model catches up and reconciles`, async () => {
    const { http } = stack;
    for (let i = 0; i < size.whistles; i++) {
      const [community, street] = COMMUNITIES[i % COMMUNITIES.length];
      const res = await http.call(community, 'POST', '/v1/whistles', { ...fileBody('before', i), reporter: undefined });
      expect(res.status).toBe(201);
      filedBefore.push({ id: res.body.id, community, street });
    }
    const toAccept = filedBefore.filter((_, i) => i % 2 === 0);

    const sent: Sent[] = [];
    let stop = false;
    let n = 0;
    // Each client keeps to one kind of request, so slow answers of one kind (a filing waits up
    // to 10 s for the read model) do not starve the others: readers, filers, acceptors.
    const client = async (c: number) => {
      while (!stop) {
        const i = n++;
        const role = c % 6;
        const pick = role <= 2 ? (i % 5 === 0 ? 4 : 0) : role <= 4 ? (i % 2 === 0 ? 7 : 5) : 8;
        const [community, street] = COMMUNITIES[i % COMMUNITIES.length];
        const target = filedBefore[i % filedBefore.length];
        let req: { kind: Kind; as: string; method: string; url: string; body?: unknown; key?: string; id?: string };
        if (pick < 4) req = { kind: 'read', as: 'center', method: 'GET', url: `/v1/whistles/${target.id}` };
        else if (pick < 5) req = { kind: 'list', as: street, method: 'GET', url: '/v1/whistles?limit=20' };
        else if (pick < 7) {
          const key = `outage-${c}-${i}`;
          req = { kind: 'file', as: community, method: 'POST', url: '/v1/whistles', body: { ...fileBody('outage', i), reporter: undefined }, key };
        } else if (pick < 8) {
          const key = `outage-r-${c}-${i}`;
          req = { kind: 'file-with-reporter', as: community, method: 'POST', url: '/v1/whistles', body: fileBody('outage', i), key };
        } else {
          const w = toAccept.pop();
          if (!w) { await sleep(50); continue; }
          req = { kind: 'accept', as: w.street, method: 'POST', url: `/v1/whistles/${w.id}/accept`, id: w.id };
        }
        const started = Date.now();
        try {
          const res = await http.call(req.as, req.method, req.url, req.body, req.key ? { 'idempotency-key': req.key } : {}, 60_000);
          sent.push({ kind: req.kind, as: req.as, started, ended: Date.now(), status: res.status, code: res.body?.error?.code, key: req.key, id: req.id ?? res.body?.id });
        } catch (err) {
          sent.push({ kind: req.kind, as: req.as, started, ended: Date.now(), status: 0, failed: String(err), key: req.key, id: req.id });
        }
        await sleep(20);
      }
    };
    const load = Promise.all(Array.from({ length: size.clients }, (_, c) => client(c)));
    await sleep(2000);
    const pausedAt = Date.now();
    stack.proxy!.pause();
    await sleep(Math.min(3000, size.outageSeconds * 500));
    const ready = await http.call(null, 'GET', '/readyz');
    const health = await http.call(null, 'GET', '/healthz');
    await sleep(size.outageSeconds * 1000 - (Date.now() - pausedAt));
    stack.proxy!.resume();
    const resumedAt = Date.now();
    await sleep(3000);
    stop = true;
    await load;

    // Every answer: 2xx, a 4xx of the contract, or 503 unavailable; never another 5xx, never a dropped connection.
    const bad = sent.filter((r) => r.status === 0 || (r.status >= 500 && !(r.status === 503 && r.code === 'unavailable')));
    const during = (r: Sent) => r.started >= pausedAt + 1000 && r.ended <= resumedAt;
    const readsDuring = sent.filter((r) => (r.kind === 'read' || r.kind === 'list') && during(r));
    const files = sent.filter((r) => r.kind === 'file' || r.kind === 'file-with-reporter');

    // Filings: a 201 is a whole whistle; a 503 started nothing.
    const halfDone: string[] = [];
    for (const f of files.filter((r) => r.status === 503)) {
      const id = whistleIdFor(f.as, f.key!);
      try {
        await stack.client.workflow.getHandle(`whistle-${id}`).describe();
        halfDone.push(`${f.kind} ${f.key}: 503 but workflow whistle-${id} exists`);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    // Accepts: a 503 changed nothing.
    for (const a of sent.filter((r) => r.kind === 'accept' && r.status === 503)) {
      const view = await stack.client.workflow.getHandle(`whistle-${a.id}`).query<{ timeline: Array<{ type: string }> }>('view');
      if (view.timeline.some((e) => e.type === 'accepted')) halfDone.push(`accept ${a.id}: 503 but accepted`);
    }

    // The read model catches up: reconciliation until no difference.
    let report = await reconcile({ client: stack.client, pool: db }, { all: true, settleMs: 0, taskQueue: stack.taskQueue });
    let rounds = 1;
    while (report.differences.length && Date.now() - resumedAt < 180_000) {
      await sleep(1000);
      report = await reconcile({ client: stack.client, pool: db }, { all: true, settleMs: 0, taskQueue: stack.taskQueue });
      rounds++;
    }
    const caughtUpMs = Date.now() - resumedAt;
    const filedOk = files.filter((r) => r.status === 201).map((r) => r.id!);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM whistles WHERE id = ANY($1)', [filedOk]);

    const tally = (rs: Sent[]) => rs.reduce<Record<string, number>>((acc, r) => {
      const k = `${r.kind} ${r.status || 'dropped'}`;
      acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {});
    figures.outage = {
      outageMs: resumedAt - pausedAt, requests: sent.length, duringOutage: tally(sent.filter(during)),
      startedDuringOutage: tally(sent.filter((r) => r.started >= pausedAt && r.started < resumedAt)), all: tally(sent),
      proxy: { ...stack.proxy!.stats }, readyzDuringOutage: ready.status, healthzDuringOutage: health.status,
      readsDuringOutage: readsDuring.length, readsNot503: readsDuring.filter((r) => r.status !== 503).length,
      filings201: filedOk.length, filings503: files.filter((r) => r.status === 503).length, halfDone: halfDone.length,
      readModelCaughtUpMs: caughtUpMs, reconcileRounds: rounds, whistlesReconciled: report.checked,
      differencesLeft: report.differences.length, badAnswers: bad.length, firstBad: bad.slice(0, 5),
      workerAlive: stack.worker.alive, apiAlive: stack.api.alive,
    };
    expect(bad).toEqual([]);
    expect(readsDuring.length).toBeGreaterThan(0);
    expect(readsDuring.filter((r) => r.status !== 503)).toEqual([]);
    expect(ready.status).toBe(503);
    expect(health.status).toBe(200);
    expect(halfDone).toEqual([]);
    expect(report.differences).toEqual([]);
    expect(rows.rows[0].n).toBe(filedOk.length);
    expect(report.checked).toBeGreaterThanOrEqual(size.whistles + filedOk.length);
    expect(stack.worker.alive && stack.api.alive).toBe(true);
  }, 600_000);

  test('npm run reconcile: exit 0 when consistent; reports drift with exit 1; --repair re-runs the projection from history', async () => {
    const env = { ...process.env, ...stack.env, DATABASE_URL: stack.db.url, LOG_LEVEL: 'warn' };
    const reconcileCmd = (...args: string[]) => run('npx', ['tsx', 'scripts/reconcile.ts', ...args], { cwd: ROOT, env })
      .then(({ stdout }) => ({ code: 0, stdout }), (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }));

    const clean = await reconcileCmd('--all', '--settle', '0');
    expect(clean.stdout).toMatch(/: 0 difference\(s\)/);
    expect(clean.code).toBe(0);

    // Drift, as after restoring an old backup: one row's view edited, one timeline row lost, one row lost.
    const [a, b, c] = filedBefore.slice(1, 4).map((w) => w.id);
    await db.query(`UPDATE whistles SET view = jsonb_set(view, '{title}', '"tampered"') WHERE id = $1`, [a]);
    await db.query('DELETE FROM whistle_events WHERE whistle_id = $1 AND seq = (SELECT max(seq) FROM whistle_events WHERE whistle_id = $1)', [b]);
    await db.query('DELETE FROM whistle_events WHERE whistle_id = $1', [c]);
    await db.query('DELETE FROM whistles WHERE id = $1', [c]);
    const drift = await reconcileCmd('--all', '--settle', '1');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain(`whistle ${a}: view — differs in title`);
    expect(drift.stdout).toContain(`whistle ${b}: timeline`);
    expect(drift.stdout).toContain(`whistle ${c}: missing_row`);

    const repaired = await reconcileCmd('--all', '--settle', '1', '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/: 0 difference\(s\), 3 repaired/);
    const again = await reconcileCmd('--all', '--settle', '0');
    expect(again.code).toBe(0);
    figures.reconcileCommand = { clean: clean.stdout.trim().split('\n').at(-1), drift: drift.stdout.trim().split('\n'), repaired: repaired.stdout.trim().split('\n') };
  }, 300_000);
}
