/**
 * What one run of the bench records (its results), the goals checked against them, and the table
 * the bench prints: the ratios (filing ≥ 0.8 × raw start, actions p99 ≤ 1.3 × a trivial update,
 * deadlines p99 ≤ 1.3 × plain timers) and the absolute goals where they still stand.
 */
import type { ActionsResult } from './actions';
import type { DeadlinesResult } from './deadlines';
import type { FairnessBurstResult } from './fairness-burst';
import type { FilingLevel } from './filing';
import type { LiveEventsResult } from './live-events';
import type { OpenCasesResult } from './open-cases';
import type { ProfileSummary } from './profile';
import type { ReadModelResult } from './read-model';
import type { Scale, Section } from './scale';

export interface Machine {
  nproc: number; cpuModel: string; memoryGb: number; node: string; platform: string; postgres: string; temporal: string;
  /** 1-minute load averages sampled during the run: others' work on a shared machine shows here. */
  load: { atStart: number; max: number; mean: number; atEnd: number };
}

export interface Results {
  startedAt: string;
  finishedAt: string;
  scale: Scale;
  sections: Section[];
  machine: Machine;
  filing?: FilingLevel[];
  actions?: ActionsResult;
  readModel?: ReadModelResult;
  openCases?: OpenCasesResult;
  deadlines?: DeadlinesResult;
  live?: LiveEventsResult;
  fairness?: FairnessBurstResult;
  profile?: ProfileSummary | { skipped: string };
  experiments?: {
    openCases?: Array<OpenCasesResult & { name: string }>;
    deadlines?: Array<DeadlinesResult & { name: string }>;
  };
  goals: Goal[];
}

export interface Goal { section: string; measure: string; value: string; goal: string; met: boolean | null; detail?: string }

const fmt = (x: number | null | undefined, unit = '') => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${x}${unit}`);

export function goalsOf(r: Results): Goal[] {
  const goals: Goal[] = [];
  for (const level of r.filing ?? []) {
    goals.push({
      section: '1 filing', measure: `c=${level.concurrency}: API / raw start`, value: fmt(level.ratio), goal: '≥ 0.8',
      met: level.ratio === null ? null : level.ratio >= 0.8,
      detail: `API ${level.api.perSecond}/s, raw ${level.raw.perSecond}/s acknowledged; raw incl. worker ${level.rawDrainedPerSecond}/s → API / that ${fmt(level.ratioDrained)}`,
    });
  }
  for (const level of r.actions?.levels ?? []) {
    for (const [action, a] of Object.entries(level.actions)) {
      goals.push({
        section: '2 actions', measure: `c=${level.concurrency} ${action}: p99 API / trivial`, value: fmt(a.p99Ratio), goal: '≤ 1.3',
        met: a.p99Ratio === null ? null : a.p99Ratio <= 1.3,
        detail: `API p50 ${a.api.p50} / p99 ${a.api.p99} ms; trivial update p50 ${a.trivial.p50} / p99 ${a.trivial.p99} ms; direct update p99 ${a.direct.p99} ms`,
      });
    }
  }
  const rm = r.readModel;
  if (rm) {
    const rows: Array<[string, 'centerList' | 'streetList' | 'view']> = [['center list (status+street)', 'centerList'], ['street list (status)', 'streetList'], ['single whistle', 'view']];
    for (const [name, key] of rows) {
      goals.push({
        section: '3 read model', measure: `${name}: p99 ${rm.large.whistles} / ${rm.small.whistles}`, value: fmt(rm.p99Ratio[key]), goal: '≤ 1.5',
        met: rm.p99Ratio[key] === null ? null : rm.p99Ratio[key]! <= 1.5,
        detail: `p99 ${rm.small[key].p99} ms → ${rm.large[key].p99} ms`,
      });
    }
    const a = rm.large.assessment;
    goals.push('absent' in a
      ? { section: '3 read model', measure: 'assessment', value: 'absent', goal: '< 2 s', met: null, detail: a.absent }
      : {
        section: '3 read model', measure: `assessment ${rm.quarter}, ${rm.large.whistles} whistles (median run)`, value: `${a.p50} ms`, goal: '< 2000 ms',
        met: a.p50 < 2000, detail: `runs ${a.runsMs.join(' / ')} ms, ${a.received} receipts`,
      });
  }
  const oc = r.openCases;
  if (oc) {
    goals.push({ section: '4 open cases', measure: `worker RSS peak, ${oc.whistles} open`, value: `${oc.peakMb} MB`, goal: '≤ 512 MB', met: oc.peakMb <= 512,
      detail: `idle ${oc.idleMb} MB, final ${oc.finalMb} MB; ${oc.byWhistles.map((b) => `${b.whistles}: ${b.rssMb}`).join(', ')}` });
    goals.push({ section: '4 open cases', measure: `RSS growth after ${oc.cacheLimit} cached`, value: `${fmt(oc.slopeAfterCacheMbPer1000)} MB / 1000`,
      goal: 'flat (≤ 2 MB / 1000)', met: oc.slopeAfterCacheMbPer1000 === null ? null : oc.slopeAfterCacheMbPer1000 <= 2 });
  }
  const d = r.deadlines;
  if (d) {
    const raw = 'lateness' in d.rawTimers
      ? `plain timers (same burst, trivial workflow): p50 ${d.rawTimers.lateness.p50} / p99 ${d.rawTimers.lateness.p99} ms → p99 ratio ${fmt(d.p99Ratio)}`
      : `plain timers: ${d.rawTimers.failed}`;
    goals.push({ section: '5 deadlines', measure: `p99 lateness, ${d.deadlines} due within ${d.dueSpreadSeconds} s`, value: `${d.lateness.p99} ms`, goal: '≤ 2000 ms',
      met: d.escalated >= d.deadlines ? d.lateness.p99 <= 2000 : false,
      detail: `${d.escalated}/${d.deadlines} escalated; p50 ${d.lateness.p50} ms, max ${d.lateness.max} ms; 90% due within ${d.dueSpread90Seconds} s; ` +
        `${d.allInBeforeDue ? 'all' : 'NOT all'} in the read model ${d.ingestSeconds} s after the filing window; ${raw}` });
    goals.push({ section: '5 deadlines', measure: 'p99 lateness / plain timers, same burst', value: fmt(d.p99Ratio), goal: '≤ 1.3',
      met: d.p99Ratio === null || d.escalated < d.deadlines ? null : d.p99Ratio <= 1.3 });
  }
  for (const l of r.live?.latency ?? []) {
    for (const [action, lat] of [['filing', l.file], ['acceptance', l.accept]] as const) {
      goals.push({ section: '6 live', measure: `${action} → event on another clerk's stream, ${l.streams} streams open: p99`, value: `${lat.p99} ms`,
        goal: '≤ 1000 ms', met: lat.p99 <= 1000, detail: `p50 ${lat.p50} ms, max ${lat.max} ms, n=${lat.n}` });
    }
  }
  if (r.live) {
    const { idle, burst } = r.live;
    goals.push({ section: '6 live', measure: `${burst.attempted} streams at once: opened / refused (429) / failed`, value: `${burst.opened} / ${burst.refused} / ${burst.failed}`,
      goal: 'none failed', met: burst.failed === 0,
      detail: `/healthz meanwhile p99 ${burst.healthz.p99} ms; API RSS ${burst.rssMb.before} → ${burst.rssMb.open} → ${burst.rssMb.closed} MB; ` +
        `idle CPU-s/s: streams API ${idle.streams.apiCpuPerSecond} PG ${idle.streams.postgresCpuPerSecond}, polling API ${idle.polling.apiCpuPerSecond} PG ${idle.polling.postgresCpuPerSecond}` });
  }
  if (r.fairness) {
    const { filing: f, deadlines: d } = r.fairness;
    const worker = `one worker, ${r.fairness.worker.slots} workflow task slots, ${r.fairness.worker.workMs} ms a task`;
    goals.push({ section: '7 fairness', measure: `street B's ${f.late} filings among A's ${f.burst}: first task p99, fairness on / B alone`, value: fmt(f.onToIdle),
      goal: '≤ 2', met: f.onToIdle === null ? null : f.onToIdle <= 2,
      detail: `p50 / p99 alone ${f.idle.latency.p50} / ${f.idle.latency.p99} ms; on ${f.on.latency.p50} / ${f.on.latency.p99} ms (A's served while B waited, median ${f.on.burstAheadMedian}); ` +
        `on, one partition ${f.onOnePartition.latency.p50} / ${f.onOnePartition.latency.p99} ms (${f.onOnePartition.burstAheadMedian}); ` +
        `off ${f.off.latency.p50} / ${f.off.latency.p99} ms (${f.off.burstAheadMedian}); ${worker}` });
    goals.push({ section: '7 fairness', measure: `${d.urgent} urgent deadlines among ${d.burst} of 谅解: timer to task p99, priority on / alone`, value: fmt(d.onToIdle),
      goal: '≤ 2', met: d.onToIdle === null || d.armedLate > 0 ? null : d.onToIdle <= 2,
      detail: `p50 / p99 alone ${d.idle.latency.p50} / ${d.idle.latency.p99} ms; on ${d.on.latency.p50} / ${d.on.latency.p99} ms (served while waiting ${d.on.burstAheadMedian}); ` +
        `on, one partition ${d.onOnePartition.latency.p50} / ${d.onOnePartition.latency.p99} ms (${d.onOnePartition.burstAheadMedian}); ` +
        `off ${d.off.latency.p50} / ${d.off.latency.p99} ms (${d.off.burstAheadMedian})` +
        `${d.armedLate ? `; ${d.armedLate} whistles armed only after the deadline: not comparable` : ''}` });
  }
  return goals;
}

export function formatTable(r: Results): string {
  const header = ['section', 'measure', 'value', 'goal', 'met'];
  const rows = r.goals.map((g) => [g.section, g.measure, g.value, g.goal, g.met === null ? '—' : g.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push('');
  for (const g of r.goals) if (g.detail) out.push(`${g.section} · ${g.measure}: ${g.detail}`);
  const e = r.experiments;
  if (e || r.profile || r.readModel?.assessmentExperiments) out.push('', 'experiments (not goals: evidence for the proposals in docs/PERFORMANCE.md)');
  for (const o of e?.openCases ?? []) {
    out.push(`  open cases, ${o.name}: ${o.whistles} open, RSS idle ${o.idleMb} / peak ${o.peakMb} / final ${o.finalMb} MB; ${o.byWhistles.map((b) => `${b.whistles}: ${b.rssMb}`).join(', ')}`);
  }
  for (const d of e?.deadlines ?? []) {
    out.push(`  deadlines, ${d.name}: ${d.escalated}/${d.deadlines} escalated; lateness p50 ${d.lateness.p50} / p99 ${d.lateness.p99} / max ${d.lateness.max} ms` +
      (d.cpuMsPer ? `; CPU ms each ${JSON.stringify(d.cpuMsPer)}` : ''));
  }
  for (const a of r.readModel?.assessmentExperiments ?? []) out.push(`  assessment, ${a.name}: ${a.ms ?? '—'} ms${a.note ? ` (${a.note})` : ''}`);
  if (r.profile && 'byPackage' in r.profile) {
    out.push(`  API CPU profile under filing load (${r.profile.seconds} s, ${r.profile.idlePercent}% idle); busy time by package: ` +
      r.profile.byPackage.slice(0, 8).map((p) => `${p.name} ${p.percent}%`).join(', '));
  }
  const m = r.machine;
  out.push('', `machine: ${m.nproc} CPUs, ${m.memoryGb} GB, node ${m.node}, PostgreSQL ${m.postgres}; ` +
    `load (1 min) ${m.load.atStart} at start, mean ${m.load.mean}, max ${m.load.max}`);
  return out.join('\n');
}
