/**
 * The whistles' read model — tables `whistles` and `whistle_events` (and, through the projection
 * function, `whistle_reporters`, `whistle_receipts` and the outbox): SQL only. What a projection
 * writes is worked out in lib/read-model/whistles.ts; who may see what in workflows/rules.ts.
 */
import type { Db } from '../db';
import type { StoredRuleExtras, WhistleStatus, WhistleTimelineType, WhistleView } from '../../domain';

/** A whistle's row as the API reads it: the view (its timeline is `whistle_events`) and what the rules read beside it. */
export interface WhistleRow {
  view: Omit<WhistleView, 'timeline'> & { timeline?: unknown };
  seen_by_departments: string[];
  rules: StoredRuleExtras | null;
  version: number;
}

/** One timeline entry as stored; `data` holds only what people see of its facts (the photos it attached). */
export interface TimelineRow {
  seq: number; at: Date; type: WhistleTimelineType; actor: string; note: string | null; data: { attachmentIds?: string[] } | null;
}

export async function whistleRow(db: Db, id: string): Promise<WhistleRow | null> {
  const { rows } = await db.query<WhistleRow>('SELECT view, seen_by_departments, rules, version FROM whistles WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** A whistle's timeline entries, in order. */
export async function whistleTimeline(db: Db, id: string): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow>(
    `SELECT seq, at, type, actor, note, jsonb_strip_nulls(jsonb_build_object('attachmentIds', data->'attachmentIds', 'kind', data->'kind')) AS data
       FROM whistle_events WHERE whistle_id = $1 ORDER BY seq`, [id]);
  return rows;
}

export async function whistleExists(db: Db, id: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM whistles WHERE id = $1', [id]);
  return (rowCount ?? 0) > 0;
}

/** What the rules need to judge who may see each of `ids` (the view without its long texts). */
export async function visibilityRows(db: Db, ids: string[]): Promise<Array<WhistleRow & { id: string }>> {
  const { rows } = await db.query<WhistleRow & { id: string }>(
    `SELECT id, view - 'timeline' - 'description' AS view, seen_by_departments, rules, version FROM whistles WHERE id = ANY($1::text[])`,
    [ids]);
  return rows;
}

/** The row's view and status column, as 对账 (scripts/reconcile.ts) compares them. */
export async function storedView(db: Db, id: string): Promise<{ view: WhistleView; status: WhistleStatus } | null> {
  const { rows } = await db.query<{ view: WhistleView; status: WhistleStatus }>('SELECT view, status FROM whistles WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** Ids of the whistles on record: every one, or those not ended (closed, withdrawn, merged). */
export async function whistleIds(db: Db, options: { all: boolean }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    options.all ? 'SELECT id FROM whistles' : "SELECT id FROM whistles WHERE status NOT IN ('closed', 'withdrawn', 'merged')");
  return rows.map((r) => r.id);
}

/** Steps a row claiming `version` or later back to just below it, so a repair's projection of `version` applies. */
export async function stepVersionBelow(db: Db, id: string, version: number): Promise<void> {
  await db.query('UPDATE whistles SET version = $2 WHERE id = $1 AND version >= $2', [id, version - 1]);
}

/** One notification of the outbox as the projection function takes it. */
export interface OutboxRow {
  entry_seq: number; event_key: string; recipient_org_id: string; kind: string; subject_type: 'whistle'; subject_id: string;
  message: string; data: Record<string, unknown>;
}

/** One timeline entry as the projection function takes it. */
export interface EntryRow {
  seq: number; at: string; type: string; actor: string; unit_id: string | null; note: string | null; data: Record<string, unknown>;
}

export interface ProjectionWrite {
  /** The row's columns by name (migrations/016: jsonb_populate_record). */
  row: Record<string, unknown>;
  entries: EntryRow[];
  /** How many timeline entries the whistle has in all. */
  timelineLength: number;
  outbox: OutboxRow[];
  /** The reporter's name and phone (the API's filing only). */
  reporter: { name: string; phone: string } | null;
  /** False: the commit does not wait for the disk (unless a reporter is written). */
  durable: boolean;
}

/**
 * One statement, `whistle_project` (migrations/016), in one transaction: the row (never moved
 * back to an older version), the timeline, the receipts (its trigger) and the notifications of
 * the entries it wrote.
 */
export async function writeWhistleProjection(db: Db, w: ProjectionWrite): Promise<void> {
  await db.query('SELECT whistle_project($1, $2, $3, $4, $5, $6)', [
    JSON.stringify(w.row), JSON.stringify(w.entries), w.timelineLength, JSON.stringify(w.outbox),
    w.reporter ? JSON.stringify(w.reporter) : null, w.durable,
  ]);
}
