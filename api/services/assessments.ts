/**
 * 定期验单: the quarterly assessment of every street and department, counted with one SQL
 * aggregate over the receipts of the quarter. The rules, in short (docs/ASSESSMENT.md has them all):
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
 * equal to it in the transaction that writes the timeline (the projection), so this service only
 * counts rows: one index range on `received_at`, not a walk over the timeline of every whistle.
 */
import type { Pool } from 'pg';
import { quarterOf, quarterRange } from '../../lib/calendar';
import type { AssessmentWeights } from '../../lib/config';
import type { AssessmentRow } from '../schemas/supervision';
import type { Directory } from './directory';

export interface Assessment {
  quarter: string;
  from: string;
  to: string;
  weights: AssessmentWeights;
  items: AssessmentRow[];
}

type Counts = Pick<AssessmentRow, 'received' | 'acceptedOnTime' | 'resolved' | 'resolvedOnTime' | 'overdue' | 'escalated'
  | 'returned' | 'urged' | 'evaluated' | 'satisfied' | 'basicallySatisfied' | 'unsatisfied' | 'extended' | 'dueSoonWarned'>;

const COUNT_COLUMNS: Array<keyof Counts> = ['received', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'overdue', 'escalated',
  'returned', 'urged', 'evaluated', 'satisfied', 'basicallySatisfied', 'unsatisfied', 'extended', 'dueSoonWarned'];

/** Every column, in the order of the CSV and of each JSON row. */
export const ASSESSMENT_COLUMNS: Array<keyof AssessmentRow> = ['unitId', 'unitName', 'kind', ...COUNT_COLUMNS,
  'responseRate', 'resolutionRate', 'onTimeRate', 'satisfactionRate', 'score'];

/**
 * One row per unit: the receipts of the quarter (`$1` ≤ received_at < `$2`) counted by their facts.
 * Each receipt's facts are kept in `whistle_receipts` (migrations/006_whistle_receipts.sql), so
 * the work is one range of the `received_at` index, whatever the size of the timeline.
 */
export const ASSESSMENT_SQL = `
SELECT unit_id,
       count(*)::int AS "received",
       count(*) FILTER (WHERE accepted_on_time)::int AS "acceptedOnTime",
       count(*) FILTER (WHERE resolved)::int AS "resolved",
       count(*) FILTER (WHERE resolved_on_time)::int AS "resolvedOnTime",
       count(*) FILTER (WHERE overdue)::int AS "overdue",
       count(*) FILTER (WHERE escalated)::int AS "escalated",
       count(*) FILTER (WHERE returned)::int AS "returned",
       count(*) FILTER (WHERE urged)::int AS "urged",
       count(*) FILTER (WHERE rating IS NOT NULL)::int AS "evaluated",
       count(*) FILTER (WHERE rating = 'satisfied')::int AS "satisfied",
       count(*) FILTER (WHERE rating = 'basically_satisfied')::int AS "basicallySatisfied",
       count(*) FILTER (WHERE rating = 'unsatisfied')::int AS "unsatisfied",
       count(*) FILTER (WHERE extended)::int AS "extended",
       count(*) FILTER (WHERE due_soon_warned)::int AS "dueSoonWarned"
  FROM whistle_receipts
 WHERE received_at >= $1 AND received_at < $2
 GROUP BY unit_id`;

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

export function rowOf(unit: { id: string; name: string; kind: 'street' | 'department' }, c: Counts, weights: AssessmentWeights): AssessmentRow {
  const rates = {
    response: rate(c.acceptedOnTime, c.received),
    resolution: rate(c.resolved, c.received),
    onTime: rate(c.resolvedOnTime, c.resolved),
    satisfaction: rate(c.satisfied + c.basicallySatisfied, c.evaluated),
  };
  return {
    unitId: unit.id, unitName: unit.name, kind: unit.kind, ...c,
    responseRate: rounded(rates.response), resolutionRate: rounded(rates.resolution),
    onTimeRate: rounded(rates.onTime), satisfactionRate: rounded(rates.satisfaction),
    score: scoreOf(rates, weights),
  };
}

const ZERO: Counts = Object.fromEntries(COUNT_COLUMNS.map((k) => [k, 0])) as unknown as Counts;

export class AssessmentService {
  constructor(private readonly pool: Pool, private readonly directory: Directory, private readonly weights: AssessmentWeights) {}

  /** The assessment of `quarter` ('2026-Q4', Asia/Shanghai); the current quarter when omitted. */
  async quarter(quarter: string | undefined): Promise<Assessment> {
    const q = quarter ?? quarterOf(new Date());
    const { from, to } = quarterRange(q);
    const { rows } = await this.pool.query<Counts & { unit_id: string }>(ASSESSMENT_SQL, [from, to]);
    const counts = new Map(rows.map((r) => [r.unit_id, r]));
    const orgs = await this.directory.listOrgs();
    const units = [...orgs.filter((o) => o.kind === 'street'), ...orgs.filter((o) => o.kind === 'department')];
    return {
      quarter: q, from: from.toISOString(), to: to.toISOString(), weights: { ...this.weights },
      items: units.map((o) => {
        const found = counts.get(o.id);
        const c = found ? Object.fromEntries(COUNT_COLUMNS.map((k) => [k, found[k]])) as unknown as Counts : ZERO;
        return rowOf({ id: o.id, name: o.name, kind: o.kind as 'street' | 'department' }, c, this.weights);
      }),
    };
  }
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; text that a
 * spreadsheet would run as a formula (= + - @ at the start) is prefixed with an apostrophe. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The assessment as CSV: a BOM (so Excel reads UTF-8 Chinese names), a header row, CRLF lines. */
export function assessmentCsv(a: Assessment): string {
  const lines = [ASSESSMENT_COLUMNS.join(',')];
  // A quarter published before a column existed has no value for it: an empty cell.
  for (const row of a.items) lines.push(ASSESSMENT_COLUMNS.map((k) => csvField(row[k] ?? null)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
