/**
 * A fleet of whistles at every step of the process, with timers pending, driven through a real
 * API process; and the check that, whatever was killed meanwhile, every whistle reached the
 * state it should, every deadline fired (late by at most the outage it fell into), and no
 * timeline entry or notification is duplicated or lost. Shared by the CI test
 * (test/reliability-crash.test.ts) and the long variant (test/chaos/crash.chaos.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { notificationsFor, type Recipients } from '../../lib/read-model/whistle-notifications';
import type { WhistleEvent, WhistleView } from '../../domain';
import { viewQuery, whistleWorkflowId } from '../../workflows/messages';
import { checkWhistle, type Difference } from '../../scripts/reconcile';
import { sleep, type Http, type ProcessStack } from '../support/processes';

/** The steps a whistle of the fleet is left at before the fault. */
export const STEPS = [
  'filed', 'street_handling', 'escalated', 'dispatched', 'department_handling', 'resolved', 'withdrawn', 'resolving',
] as const;
/** `resolving`: accepted before the fault, resolved by a request sent at the moment of the fault. */
export type Step = (typeof STEPS)[number] | 'filing';

/** Communities that file, each with the street it belongs to (seeded Changle tree). */
const COMMUNITIES: Array<[community: string, street: string]> = [
  ['xiguan', 'wuhang'], ['qinjiang', 'hangcheng'], ['changan', 'yingqian'], ['xianqi', 'zhanggang'],
  ['jinfeng-town', 'jinfeng'], ['dongguan', 'wuhang'], ['mofan', 'yingqian'], ['dongjiang', 'hangcheng'],
];

/** The deadline policy of the fleet: everything a multiple of `d` seconds. */
export function fleetPolicy(d: number) {
  const s = (n: number) => ({ seconds: n });
  return {
    street: { acceptWithin: s(d), acceptWithinUrgent: s(d), handleWithin: s(2 * d) },
    center: { triageWithin: s(d) },
    department: { acceptWithin: s(d) },
    lists: { immediate: s(2 * d), phased: s(100 * d), understanding: s(2 * d) },
    phased: { progressEvery: s(100 * d) },
    evaluation: { window: s(d) },
    help: { verifyWithin: s(100 * d), claimWithin: s(100 * d), checkInGrace: s(100 * d), confirmWithin: s(100 * d) },
    maxReopens: 1,
  };
}

/** What a whistle left at `step` ends as once every deadline has passed; `resolving` has two valid endings. */
const ENDINGS: Record<Step, Array<{ status: string; types: string[] }>> = {
  filed: [{ status: 'escalated', types: ['filed', 'overdue', 'deadline_escalation', 'overdue'] }],
  filing: [{ status: 'escalated', types: ['filed', 'overdue', 'deadline_escalation', 'overdue'] }],
  street_handling: [{ status: 'escalated', types: ['filed', 'accepted', 'deadline_escalation', 'overdue'] }],
  escalated: [{ status: 'escalated', types: ['filed', 'escalated', 'overdue'] }],
  dispatched: [{ status: 'dispatched', types: ['filed', 'escalated', 'triaged', 'overdue', 'overdue'] }],
  department_handling: [{ status: 'department_handling', types: ['filed', 'escalated', 'triaged', 'accepted', 'overdue'] }],
  resolved: [{ status: 'closed', types: ['filed', 'accepted', 'resolved', 'evaluation_expired'] }],
  withdrawn: [{ status: 'withdrawn', types: ['filed', 'withdrawn'] }],
  resolving: [
    // the resolve reached the workflow before the street's handling deadline
    { status: 'closed', types: ['filed', 'accepted', 'resolved', 'evaluation_expired'] },
    // the handling deadline came first (it fell into the outage); the resolve was refused
    { status: 'escalated', types: ['filed', 'accepted', 'deadline_escalation', 'overdue'] },
  ],
};

export interface FleetWhistle { id: string; step: Step; community: string; street: string; key: string }

/**
 * A time when something was down: from the fault to when the system could act again (`to`).
 * `ready` is when the restarted process was back; for a killed worker `to` is later: the
 * activity tasks the dead worker held are handed out again only when their start-to-close
 * timeout passes (see PROJECTION_TIMEOUT_MS).
 */
export interface Outage { what: string; from: number; ready: number; to: number }

/** startToCloseTimeout of the projectWhistle activity (workflows/whistle.ts). */
export const PROJECTION_TIMEOUT_MS = 30_000;

const RETRYABLE = (status: number) => status === 503 || status === 502 || status === 504;

/**
 * A request retried on network failures and 503 until `ms` passes, as a careful client does.
 * Returns the final answer and how many attempts failed.
 */
export async function persist(http: Http, as: string, method: string, url: string, body?: unknown, headers?: Record<string, string>, ms = 180_000) {
  const deadline = Date.now() + ms;
  let failures = 0;
  for (;;) {
    try {
      const res = await http.call(as, method, url, body, headers, 30_000);
      if (!RETRYABLE(res.status)) return { res, failures };
      failures++;
    } catch {
      failures++;
    }
    if (Date.now() > deadline) throw new Error(`${method} ${url} as ${as} kept failing for ${ms} ms`);
    await sleep(250);
  }
}

/** The timeline entry each action of the fleet leaves. */
const ENTRY_OF: Record<string, string> = {
  accept: 'accepted', escalate: 'escalated', triage: 'triaged', resolve: 'resolved', withdraw: 'withdrawn',
};

/**
 * One action that must succeed. A retry after a lost answer (a 503 or a timeout under load) is
 * sent under the same Idempotency-Key, so it gets the first answer; but an action that ends the
 * workflow (a withdrawal) leaves nothing to answer the retry but a 409 — then the whistle's
 * timeline tells whether the first attempt went through.
 */
async function must(http: Http, as: string, id: string, action: string, body?: unknown) {
  const { res, failures } = await persist(http, as, 'POST', `/v1/whistles/${id}/${action}`, body, { 'idempotency-key': `${action}-${id}` });
  if (res.status === 200) return;
  if (res.status === 409 && failures > 0) {
    const { res: read } = await persist(http, as, 'GET', `/v1/whistles/${id}`);
    const timeline = (read.body?.timeline ?? []) as Array<{ type: string }>;
    if (read.status === 200 && timeline.some((e) => e.type === ENTRY_OF[action])) return;
  }
  throw new Error(`${action} by ${as} on ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function pool<T>(items: T[], size: number, work: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) { const i = next++; await work(items[i], i); }
  }));
}

export function fileBody(tag: string, i: number) {
  return {
    title: `${tag} 第${i}号 吹哨`,
    description: `可靠性测试 ${tag} #${i}：楼道灯坏了，需要维修。`,
    category: 'utilities',
    location: { address: `测试小区${i}号楼` },
    reporter: { name: '测试居民', phone: '13800000000' },
  };
}

/** Files one whistle with an Idempotency-Key, retrying until it is answered 201. */
async function fileOne(http: Http, tag: string, i: number): Promise<FleetWhistle & { failures: number; ids: string[] }> {
  const [community, street] = COMMUNITIES[i % COMMUNITIES.length];
  const key = `${tag}-${i}`;
  const ids: string[] = [];
  const { res, failures } = await persist(http, community, 'POST', '/v1/whistles', fileBody(tag, i), { 'idempotency-key': key });
  if (res.status !== 201) throw new Error(`filing ${key}: ${res.status} ${JSON.stringify(res.body)}`);
  ids.push(res.body.id);
  return { id: res.body.id, step: 'filed', community, street, key, failures, ids };
}

/** Files `n` whistles and leaves each at a step (round robin over STEPS), `concurrency` at a time. */
export async function prepareFleet(http: Http, tag: string, n: number, concurrency = 12): Promise<FleetWhistle[]> {
  const fleet: FleetWhistle[] = [];
  // The whistles to be resolved at the fault are prepared last, so their street handling
  // deadline (2d after filing) is still ahead when the fault comes.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    Number(STEPS[a % STEPS.length] === 'resolving') - Number(STEPS[b % STEPS.length] === 'resolving') || a - b);
  await pool(order, concurrency, async (i) => {
    const w = await fileOne(http, tag, i);
    const step = STEPS[i % STEPS.length];
    const { id, street } = w;
    switch (step) {
      case 'street_handling': await must(http, street, id, 'accept'); break;
      case 'escalated': await must(http, street, id, 'escalate', { reason: '街道无权处理' }); break;
      case 'dispatched':
        await must(http, street, id, 'escalate', { reason: '街道无权处理' });
        await must(http, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
        break;
      case 'department_handling':
        await must(http, street, id, 'escalate', { reason: '街道无权处理' });
        await must(http, 'center', id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
        await must(http, 'urban', id, 'accept');
        break;
      case 'resolved':
        await must(http, street, id, 'accept');
        await must(http, street, id, 'resolve', { result: '已修好' });
        break;
      case 'withdrawn': await must(http, w.community, id, 'withdraw', { reason: '居民已自行解决' }); break;
      case 'resolving': await must(http, street, id, 'accept'); break;
      default: break;
    }
    fleet.push({ id, step, community: w.community, street, key: w.key });
  });
  return fleet;
}

export interface InFlight {
  /** Requests sent at the moment of the fault. */
  sent: number;
  /** Attempts that failed (connection refused or reset, 503) and were retried. */
  failedAttempts: number;
  /** Answers of the resolves: 200, or 409 when the deadline came first. */
  answers: Record<string, number>;
  filings: FleetWhistle[];
}

/**
 * Sent at the moment of the fault: the resolve of every `resolving` whistle and `filings` new
 * filings (step `filing`), each retried by the client until answered.
 */
export function sendInFlight(http: Http, fleet: FleetWhistle[], tag: string, filings: number): Promise<InFlight> {
  const result: InFlight = { sent: 0, failedAttempts: 0, answers: {}, filings: [] };
  const resolves = fleet.filter((w) => w.step === 'resolving').map(async (w) => {
    result.sent++;
    const { res, failures } = await persist(http, w.street, 'POST', `/v1/whistles/${w.id}/resolve`, { result: '已修好（故障中提交）' });
    result.failedAttempts += failures;
    result.answers[String(res.status)] = (result.answers[String(res.status)] ?? 0) + 1;
  });
  const files = Array.from({ length: filings }, async (_, i) => {
    result.sent++;
    const w = await fileOne(http, `${tag}-inflight`, i);
    result.failedAttempts += w.failures;
    result.filings.push({ id: w.id, step: 'filing', community: w.community, street: w.street, key: w.key });
  });
  return Promise.all([...resolves, ...files]).then(() => result);
}

type EventRow = WhistleEvent;

async function eventsOf(db: Pool, id: string): Promise<EventRow[]> {
  const { rows } = await db.query(
    'SELECT seq, at, type, actor, unit_id, note, data FROM whistle_events WHERE whistle_id = $1 ORDER BY seq', [id]);
  return rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), type: r.type, actor: r.actor, note: r.note, unit: r.unit_id, data: r.data }));
}

type PolicySeconds = ReturnType<typeof fleetPolicy>;

/** When the deadline behind a timeline entry was due (ms), or null for entries no deadline makes. */
function dueOf(events: WhistleEvent[], index: number, policy: PolicySeconds): number | null {
  const e = events[index];
  const before = events.slice(0, index);
  const lastAt = (types: string[]) => {
    const found = [...before].reverse().find((x) => types.includes(x.type));
    if (!found) throw new Error(`no ${types.join('/')} before ${e.type}`);
    return Date.parse(found.at);
  };
  const sec = (d: { seconds: number }) => d.seconds * 1000;
  switch (e.type) {
    case 'deadline_escalation': return lastAt(['filed']) + sec(policy.street.handleWithin);
    case 'evaluation_expired': return lastAt(['resolved']) + sec(policy.evaluation.window);
    case 'overdue': {
      const deadline = String(e.data.deadline);
      if (deadline === 'street.accept') return lastAt(['filed']) + sec(policy.street.acceptWithin);
      if (deadline === 'center.triage') return lastAt(['escalated', 'deadline_escalation', 'reopened', 'returned']) + sec(policy.center.triageWithin);
      if (deadline === 'department.accept') return lastAt(['triaged']) + sec(policy.department.acceptWithin);
      if (deadline.startsWith('lists.')) return lastAt(['triaged']) + sec(policy.lists[deadline.slice(6) as 'immediate']);
      throw new Error(`unknown deadline ${deadline}`);
    }
    default: return null;
  }
}

export interface FleetFigures {
  whistles: number;
  byStep: Record<string, number>;
  /** How the whistles of each step ended: "<step> → <status>". */
  endings: Record<string, number>;
  /** Deadlines that had not fired yet when the (first) fault began. */
  timersPendingAtFault: number;
  /** Deadlines that fell due while something was down. */
  deadlinesDuringOutage: number;
  deadlinesChecked: number;
  /** The most any deadline fired after max(due, end of the outage it fell into), in ms. */
  maxLatenessBeyondOutageMs: number;
  /** The most any deadline fired after it was due, in ms (includes the outage). */
  maxLatenessMs: number;
  /**
   * The most any deadline fired after max(due, the moment the killed process was back), in ms:
   * for a killed worker this shows the wait for the activities it held (PROJECTION_TIMEOUT_MS).
   */
  maxLatenessBeyondBackMs: number;
  timelineEntries: number;
  notifications: number;
  /** Problems found; the test fails when any. */
  lost: number;
  duplicated: number;
  wrongState: number;
  lateOrEarly: number;
  readModelDifferences: number;
  /** The latest deadlines beyond their outage (up to 5), to see why. */
  latest: string[];
  problems: string[];
}

/** Waits until every whistle of the fleet shows one of its endings in the read model (or `ms` passes). */
export async function settle(db: Pool, fleet: FleetWhistle[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { rows } = await db.query<{ id: string; status: string; n: number }>(
      `SELECT w.id, w.status, (SELECT count(*)::int FROM whistle_events e WHERE e.whistle_id = w.id AND e.type <> 'due_soon') AS n
         FROM whistles w WHERE w.id = ANY($1)`, [fleet.map((w) => w.id)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const waiting = fleet.filter((w) => {
      const r = byId.get(w.id);
      return !r || !ENDINGS[w.step].some((end) => end.status === r.status && end.types.length === r.n);
    });
    if (waiting.length === 0 || Date.now() > deadline) return;
    await sleep(1000);
  }
}

/**
 * Checks every whistle of the fleet after the faults: its ending, its deadlines against the
 * outages, its read model against the workflow, its notifications against its timeline.
 */
export async function verifyFleet(stack: ProcessStack, db: Pool, fleet: FleetWhistle[], policy: PolicySeconds,
  outages: Outage[], faultAt: number, slackMs: number): Promise<FleetFigures> {
  const { rows: orgRows } = await db.query<{ id: string; kind: string }>(
    "SELECT id, kind FROM orgs WHERE kind IN ('supervision', 'center') ORDER BY id");
  const to: Recipients = {
    supervisors: orgRows.filter((r) => r.kind === 'supervision').map((r) => r.id),
    centers: orgRows.filter((r) => r.kind === 'center').map((r) => r.id),
  };
  const f: FleetFigures = {
    whistles: fleet.length, byStep: {}, endings: {}, timersPendingAtFault: 0, deadlinesDuringOutage: 0, deadlinesChecked: 0,
    maxLatenessBeyondOutageMs: 0, maxLatenessMs: 0, maxLatenessBeyondBackMs: 0, timelineEntries: 0, notifications: 0,
    lost: 0, duplicated: 0, wrongState: 0, lateOrEarly: 0, readModelDifferences: 0, latest: [], problems: [],
  };
  const problem = (kind: 'lost' | 'duplicated' | 'wrongState' | 'lateOrEarly' | 'readModelDifferences', text: string) => {
    f[kind]++;
    if (f.problems.length < 50) f.problems.push(text);
  };
  const late: Array<[number, string]> = [];
  const ids = new Set<string>();
  for (const w of fleet) {
    f.byStep[w.step] = (f.byStep[w.step] ?? 0) + 1;
    if (ids.has(w.id)) problem('duplicated', `whistle ${w.id} appears twice in the fleet`);
    ids.add(w.id);
  }
  await pool(fleet, 6, async (w) => {
    const view: WhistleView = await stack.client.workflow.getHandle(whistleWorkflowId(w.id)).query(viewQuery);
    // Early warnings (临期预警) come on their own time, before the deadlines checked here.
    const types = view.timeline.map((e) => e.type).filter((t) => t !== 'due_soon');
    const ended = `${w.step} → ${view.status}`;
    f.endings[ended] = (f.endings[ended] ?? 0) + 1;
    const ending = ENDINGS[w.step].find((end) => end.status === view.status && end.types.join() === types.join());
    if (!ending) {
      const counts = new Map<string, number>();
      for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
      const expected = ENDINGS[w.step][0].types;
      const twice = [...counts].filter(([t, n]) => n > expected.filter((x) => x === t).length);
      if (twice.length) problem('duplicated', `${w.id} (${w.step}): ${types.join(' → ')}`);
      else if (types.length < expected.length) problem('lost', `${w.id} (${w.step}): ${view.status}, ${types.join(' → ')}`);
      else problem('wrongState', `${w.id} (${w.step}): ${view.status}, ${types.join(' → ')}`);
    }
    const differences: Difference[] = await checkWhistle(stack.client, db, w.id);
    for (const d of differences) problem('readModelDifferences', `${w.id}: ${d.kind} ${d.detail}`);

    const events = await eventsOf(db, w.id);
    f.timelineEntries += events.length;
    events.forEach((e, i) => {
      const due = dueOf(events, i, policy);
      if (due === null) return;
      f.deadlinesChecked++;
      if (due > faultAt) f.timersPendingAtFault++;
      const at = Date.parse(e.at);
      // An outage delays a deadline that falls into it, and one that fell due just before it
      // and was not handled yet when it began.
      const covering = outages.filter((o) => o.from <= due + slackMs && o.to >= due);
      if (covering.length) f.deadlinesDuringOutage++;
      const allowedFrom = Math.max(due, ...covering.map((o) => o.to));
      const beyond = at - allowedFrom;
      f.maxLatenessBeyondOutageMs = Math.max(f.maxLatenessBeyondOutageMs, beyond);
      late.push([beyond, `${w.id} (${w.step}) ${e.type}${e.data.deadline ? ` ${String(e.data.deadline)}` : ''} due ${new Date(due).toISOString()} fired ${e.at}, ${beyond} ms after max(due, outage end)`]);
      f.maxLatenessMs = Math.max(f.maxLatenessMs, at - due);
      f.maxLatenessBeyondBackMs = Math.max(f.maxLatenessBeyondBackMs, at - Math.max(due, ...covering.map((o) => o.ready)));
      if (at < due - 50) problem('lateOrEarly', `${w.id}: ${e.type} at ${e.at}, due ${new Date(due).toISOString()} (early)`);
      if (beyond > slackMs) problem('lateOrEarly', `${w.id}: ${e.type} ${beyond} ms after due/outage end`);
    });

    const expected = events.flatMap((e) => notificationsFor(e, view, to).map((n) => `whistle:${w.id}:${e.seq}|${n.recipientOrgId}`)).sort();
    const { rows } = await db.query<{ k: string }>(
      "SELECT event_key || '|' || recipient_org_id AS k FROM notifications WHERE subject_type = 'whistle' AND subject_id = $1 ORDER BY 1", [w.id]);
    const actual = rows.map((r) => r.k).sort();
    f.notifications += actual.length;
    const missing = expected.filter((k) => !actual.includes(k));
    const extra = actual.filter((k) => !expected.includes(k));
    if (missing.length) problem('lost', `${w.id}: notifications missing ${missing.join(', ')}`);
    if (extra.length) problem('duplicated', `${w.id}: notifications not caused by the timeline ${extra.join(', ')}`);
  });
  f.latest = late.sort((a, b) => b[0] - a[0]).slice(0, 5).map(([, text]) => text);
  return f;
}

/** Where the figures of a run are written (for docs/RELIABILITY.md). */
export function writeFigures(name: string, figures: unknown): string {
  const dir = process.env.RELIABILITY_RESULTS_DIR ?? path.join(os.tmpdir(), 'whistle-reliability');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(figures, null, 2));
  console.log(`[reliability] ${name}: ${JSON.stringify(figures)}`);
  return file;
}
