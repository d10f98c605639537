/**
 * 定期验单: the quarterly assessment of every street and department, counted with one SQL
 * aggregate over the receipts of the quarter (lib/stores/assessments.ts). Shared by the API, the
 * worker's publication activity and `npm run assessments`. The rules, in short (docs/ASSESSMENT.md has them all):
 *
 * - a receipt (接单) is one time a unit was given a whistle: a street at `filed`, a department at
 *   `triaged` when it is among `data.departmentIds`; it counts in the quarter of that instant;
 * - a receipt lasts until the whistle's next `triaged` (a new dispatch), or for good; what the
 *   unit did in that span are the facts of the receipt (accepted on time, returned, escalated,
 *   urged, overdue), and the whistle's resolution and evaluation in that span are credited to
 *   every unit of the receipt (the street, or all departments of that dispatch: joint duty);
 * - every count is a number of receipts, so no count exceeds `received`.
 *
 * Those rules live in one place, the SQL function `whistle_receipt_facts(whistle_id)` of
 * migrations/006_whistle_receipts.sql, which derives a whistle's receipts and their facts from its
 * timeline (`whistle_events`). A trigger on `whistle_events` keeps the table `whistle_receipts`
 * equal to it in the transaction that writes the timeline (the projection), so this module only
 * counts rows: one index range on `received_at`, not a walk over the timeline of every whistle.
 */
import type { Pool } from 'pg';
import type { Org } from '../domain';
import { quarterOf, quarterRange } from './calendar';
import type { AssessmentWeights } from './config';
import { allOrgs } from './stores/orgs';
import { HIDDEN_COUNTS, receiptCounts, type HiddenCounts, type ReceiptCounts } from './stores/assessments';

/** One unit's row: its counts, the rates and the score. */
export interface AssessmentRow extends ReceiptCounts {
  unitId: string;
  unitName: string;
  kind: 'street' | 'department';
  responseRate: number | null;
  resolutionRate: number | null;
  onTimeRate: number | null;
  satisfactionRate: number | null;
  callbackSatisfactionRate: number | null;
  score: number | null;
}

export interface Assessment {
  quarter: string;
  from: string;
  to: string;
  weights: AssessmentWeights;
  items: AssessmentRow[];
}

type Counts = ReceiptCounts;

const FIRST_COUNTS: Array<keyof Counts> = ['received', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'overdue', 'escalated',
  'returned', 'urged', 'evaluated', 'satisfied', 'basicallySatisfied', 'unsatisfied', 'extended', 'dueSoonWarned'];
/** Added with 验单, fairly counted (migrations/043): after the score, so the earlier columns keep their places in a CSV. */
const FAIRNESS_COUNTS: Array<keyof Counts> = ['pendingAcceptance', 'pendingResolution', 'returnsUpheld', 'returnsRejected',
  'callbacks', 'callbacksReached', 'callbackSatisfied'];
const COUNT_COLUMNS = [...FIRST_COUNTS, ...FAIRNESS_COUNTS];

/** Every column, in the order of the CSV and of each JSON row. */
export const ASSESSMENT_COLUMNS: Array<keyof AssessmentRow> = ['unitId', 'unitName', 'kind', ...FIRST_COUNTS,
  'responseRate', 'resolutionRate', 'onTimeRate', 'satisfactionRate', 'score', ...FAIRNESS_COUNTS, 'callbackSatisfactionRate'];

/** part / whole, or null when there is nothing to divide by. */
function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Rates are reported with 4 decimals (the score is computed before rounding). */
function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

/**
 * 0..100: the weighted mean of the rates that exist (a rate without a denominator drops out and
 * the remaining weights count in full); null when none exists or their weights are all 0.
 */
export function scoreOf(rates: Record<keyof AssessmentWeights, number | null>, weights: AssessmentWeights): number | null {
  let sum = 0;
  let weight = 0;
  for (const key of Object.keys(weights) as Array<keyof AssessmentWeights>) {
    const value = rates[key];
    if (value === null || weights[key] === 0) continue;
    sum += weights[key] * value;
    weight += weights[key];
  }
  return weight > 0 ? Math.round((sum / weight) * 100 * 100) / 100 : null;
}

/**
 * The rates and the score (docs/ASSESSMENT.md "Rates" and "Score"):
 * - pending receipts (not yet accepted / resolved, their deadline not passed) are out of the
 *   response / resolution rate altogether: a unit is never marked down for work whose time is not up;
 * - a return the center rejected (派单异议审核: returned without cause) counts as not responded
 *   (and, as every return, not resolved); a return it upheld leaves the resolution rate (the
 *   dispatch was the center's mistake), and the response rate too unless it was accepted on time
 *   (then it counts as responded): a department that gives back at once what was never its own
 *   is not marked down for it;
 * - the score's satisfaction is the evaluations and the reached callbacks (回访) pooled.
 */
function rowOf(unit: { id: string; name: string; kind: 'street' | 'department' }, c: Counts & HiddenCounts, weights: AssessmentWeights): AssessmentRow {
  const { acceptedOnTimeRejected, upheldNotAcceptedOnTime, ...counts } = c;
  const satisfaction = rate(c.satisfied + c.basicallySatisfied, c.evaluated);
  const callbackSatisfaction = rate(c.callbackSatisfied, c.callbacksReached);
  const rates = {
    response: rate(c.acceptedOnTime - acceptedOnTimeRejected, c.received - c.pendingAcceptance - upheldNotAcceptedOnTime),
    resolution: rate(c.resolved, c.received - c.pendingResolution - c.returnsUpheld),
    onTime: rate(c.resolvedOnTime, c.resolved),
    satisfaction: rate(c.satisfied + c.basicallySatisfied + c.callbackSatisfied, c.evaluated + c.callbacksReached),
  };
  return {
    unitId: unit.id, unitName: unit.name, kind: unit.kind, ...counts,
    responseRate: rounded(rates.response), resolutionRate: rounded(rates.resolution),
    onTimeRate: rounded(rates.onTime), satisfactionRate: rounded(satisfaction),
    callbackSatisfactionRate: rounded(callbackSatisfaction),
    score: scoreOf(rates, weights),
  };
}

const ZERO: Counts & HiddenCounts = Object.fromEntries([...COUNT_COLUMNS, ...HIDDEN_COUNTS].map((k) => [k, 0])) as unknown as Counts & HiddenCounts;

export class Assessments {
  constructor(
    private readonly pool: Pool,
    private readonly weights: AssessmentWeights,
    /** The active units (the API passes its directory's, cached); read from the database when not given. */
    private readonly orgs: () => Promise<Org[]> = async () => (await allOrgs(pool)).filter((o) => o.active),
  ) {}

  /** The assessment of `quarter` ('2026-Q4', Asia/Shanghai); the current quarter when omitted. */
  async quarter(quarter: string | undefined): Promise<Assessment> {
    const q = quarter ?? quarterOf(new Date());
    const { from, to } = quarterRange(q);
    const counts = await receiptCounts(this.pool, from, to);
    const orgs = await this.orgs();
    const units = [...orgs.filter((o) => o.kind === 'street'), ...orgs.filter((o) => o.kind === 'department')];
    return {
      quarter: q, from: from.toISOString(), to: to.toISOString(), weights: { ...this.weights },
      items: units.map((o) => {
        const found = counts.get(o.id);
        const c = found ? Object.fromEntries([...COUNT_COLUMNS, ...HIDDEN_COUNTS].map((k) => [k, found[k]])) as unknown as Counts & HiddenCounts : ZERO;
        return rowOf({ id: o.id, name: o.name, kind: o.kind as 'street' | 'department' }, c, this.weights);
      }),
    };
  }
}
