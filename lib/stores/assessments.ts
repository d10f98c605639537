/**
 * 定期验单's tables: the receipts (`whistle_receipts`, kept by the projection's trigger, migrations/006)
 * counted per unit, and the published quarters (`published_assessments`). SQL only.
 */
import type { Db } from '../db';

/** What each unit's receipts of a quarter count (the figures before any rate). */
export interface ReceiptCounts {
  received: number; acceptedOnTime: number; resolved: number; resolvedOnTime: number; overdue: number; escalated: number;
  returned: number; urged: number; evaluated: number; satisfied: number; basicallySatisfied: number; unsatisfied: number;
  extended: number; dueSoonWarned: number;
  /** Not yet accepted (resolved) while the deadline for it has not passed: out of that rate (migrations/043). */
  pendingAcceptance: number; pendingResolution: number;
  /** 派单异议审核: the unit's returns the center ruled well founded / without cause. */
  returnsUpheld: number; returnsRejected: number;
  /** 回访 of the unit's resolutions: made, the reporter reached, and satisfied or basically satisfied among those reached. */
  callbacks: number; callbacksReached: number; callbackSatisfied: number;
}

/**
 * Counted for the rates only, never shown: receipts accepted on time whose return the center
 * rejected, and receipts returned rightly (the return upheld) that were not accepted on time.
 */
export interface HiddenCounts { acceptedOnTimeRejected: number; upheldNotAcceptedOnTime: number }
export const HIDDEN_COUNTS: ReadonlyArray<keyof HiddenCounts> = ['acceptedOnTimeRejected', 'upheldNotAcceptedOnTime'];

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
       count(*) FILTER (WHERE due_soon_warned)::int AS "dueSoonWarned",
       count(*) FILTER (WHERE pending_acceptance)::int AS "pendingAcceptance",
       count(*) FILTER (WHERE pending_resolution)::int AS "pendingResolution",
       count(*) FILTER (WHERE return_ruling = 'upheld')::int AS "returnsUpheld",
       count(*) FILTER (WHERE return_ruling = 'rejected')::int AS "returnsRejected",
       count(*) FILTER (WHERE callback_reached IS NOT NULL)::int AS "callbacks",
       count(*) FILTER (WHERE callback_reached)::int AS "callbacksReached",
       count(*) FILTER (WHERE callback_reached AND callback_rating IN ('satisfied', 'basically_satisfied'))::int AS "callbackSatisfied",
       count(*) FILTER (WHERE accepted_on_time AND return_ruling = 'rejected')::int AS "acceptedOnTimeRejected",
       count(*) FILTER (WHERE NOT coalesce(accepted_on_time, false) AND return_ruling = 'upheld')::int AS "upheldNotAcceptedOnTime"
  FROM whistle_receipts
 WHERE received_at >= $1 AND received_at < $2
 GROUP BY unit_id`;

/** The receipts from `from` to `to` (exclusive), counted per unit. */
export async function receiptCounts(db: Db, from: Date, to: Date): Promise<Map<string, ReceiptCounts & HiddenCounts>> {
  const { rows } = await db.query<ReceiptCounts & HiddenCounts & { unit_id: string }>(ASSESSMENT_SQL, [from, to]);
  return new Map(rows.map(({ unit_id, ...counts }) => [unit_id, counts]));
}

/** When the first receipt on record was received, or null when there is none. */
export async function firstReceiptAt(db: Db): Promise<Date | null> {
  const { rows } = await db.query<{ first: Date | null }>('SELECT min(received_at) AS first FROM whistle_receipts');
  return rows[0]?.first ?? null;
}

export interface PublishedRow<A> { quarter: string; published_at: Date; published_by: string; assessment: A }

/** The published assessment of `quarter`, or null. */
export async function publishedAssessment<A>(db: Db, quarter: string): Promise<PublishedRow<A> | null> {
  const { rows } = await db.query<PublishedRow<A>>(
    'SELECT quarter, published_at, published_by, assessment FROM published_assessments WHERE quarter = $1', [quarter]);
  return rows[0] ?? null;
}

/** Every published quarter, oldest first (without the figures). */
export async function publishedQuarters(db: Db): Promise<Array<Omit<PublishedRow<never>, 'assessment'>>> {
  const { rows } = await db.query<Omit<PublishedRow<never>, 'assessment'>>(
    'SELECT quarter, published_at, published_by FROM published_assessments ORDER BY quarter');
  return rows;
}

/** Stores a quarter's publication; its instant, or null when the quarter was published already (never replaced). */
export async function insertPublished(db: Db, quarter: string, actor: string, assessment: unknown): Promise<Date | null> {
  const { rows } = await db.query<{ published_at: Date }>(
    `INSERT INTO published_assessments (quarter, published_by, assessment) VALUES ($1, $2, $3)
     ON CONFLICT (quarter) DO NOTHING RETURNING published_at`, [quarter, actor, JSON.stringify(assessment)]);
  return rows[0]?.published_at ?? null;
}
