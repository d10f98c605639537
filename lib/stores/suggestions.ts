/**
 * The suggestions' tables (migrations/032) and what training reads from the read model: SQL only.
 */
import type { Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient;

/** How much history a training reads at most (the newest); older whistles weigh little anyway. */
const HISTORY_LIMIT = 300_000;

/**
 * A whistle training learns from: its text and category, when it reached a resolution (null when
 * it has not), and its final dispatch — the latest `triaged` entry's lead and list (null when none).
 */
export interface HistoryRow {
  title: string; description: string; category: string;
  resolvedAt: Date | null; dispatchedAt: Date | null; lead: string | null; list: string | null;
}

/** The newest whistles that reached a resolution or were dispatched (merged ones live on in theirs). */
export async function trainingHistory(db: Db): Promise<HistoryRow[]> {
  const { rows } = await db.query<HistoryRow>(
    `WITH dispatch AS (
       SELECT DISTINCT ON (e.whistle_id) e.whistle_id, e.at,
              coalesce(e.data->>'lead', e.data->'departmentIds'->>0) AS lead, e.data->>'list' AS list
         FROM whistle_events e
        WHERE e.type = 'triaged'
        ORDER BY e.whistle_id, e.seq DESC)
     SELECT coalesce(w.view->>'title', '') AS title, coalesce(w.view->>'description', '') AS description, w.category,
            w.resolved_at AS "resolvedAt", d.at AS "dispatchedAt", d.lead, d.list
       FROM whistles w LEFT JOIN dispatch d ON d.whistle_id = w.id AND d.lead IS NOT NULL AND d.list IS NOT NULL
      WHERE w.status <> 'merged' AND (w.resolved_at IS NOT NULL OR d.whistle_id IS NOT NULL)
      ORDER BY w.filed_at DESC LIMIT $1`, [HISTORY_LIMIT]);
  return rows;
}

/** category → when the center last changed its catalogue entry (the audit log's catalogue_changed). */
export async function catalogueChanges(db: Db): Promise<Record<string, Date>> {
  const { rows } = await db.query<{ category: string; at: Date }>(
    "SELECT subject AS category, max(at) AS at FROM audit_log WHERE type = 'catalogue_changed' AND subject IS NOT NULL GROUP BY subject");
  return Object.fromEntries(rows.map((r) => [r.category, r.at]));
}

export interface SuggestionState {
  version: number | null;
  catalogue: Array<{ category: string; list: string; departmentIds: string[]; leadDepartmentId: string | null }>;
  departments: string[];
}

/** In one round trip: the active model's version, the dispatch catalogue and the district's departments. */
export async function suggestionState(db: Db): Promise<SuggestionState> {
  const { rows: [r] } = await db.query<{ version: string | null; catalogue: SuggestionState['catalogue']; departments: string[] | null }>(
    `SELECT (SELECT max(version) FROM suggestion_models WHERE active) AS version,
            (SELECT coalesce(json_agg(json_build_object('category', category, 'list', list, 'departmentIds', department_ids,
                                                        'leadDepartmentId', lead_department_id)), '[]')
               FROM dispatch_catalogue) AS catalogue,
            (SELECT array_agg(id ORDER BY id) FROM orgs WHERE kind = 'department') AS departments`);
  return { version: r.version === null ? null : Number(r.version), catalogue: r.catalogue, departments: r.departments ?? [] };
}

export async function modelParams(db: Db, version: number): Promise<Buffer | null> {
  const { rows } = await db.query<{ params: Buffer }>('SELECT params FROM suggestion_models WHERE version = $1', [version]);
  return rows[0]?.params ?? null;
}

export async function insertModel(db: Db, trainedBy: string, documents: object, params: Buffer): Promise<{ version: number; trainedAt: Date }> {
  const { rows: [r] } = await db.query<{ version: string; trained_at: Date }>(
    'INSERT INTO suggestion_models (trained_by, documents, params) VALUES ($1, $2, $3) RETURNING version, trained_at',
    [trainedBy, JSON.stringify(documents), params]);
  return { version: Number(r.version), trainedAt: r.trained_at };
}

/** Keeps the newest `keep` versions. */
export async function pruneModels(db: Db, keep: number): Promise<void> {
  await db.query(
    'DELETE FROM suggestion_models WHERE version < (SELECT min(version) FROM (SELECT version FROM suggestion_models ORDER BY version DESC LIMIT $1) v)',
    [keep]);
}

export async function recordSuggestion(db: Db, whistleId: string, version: number,
  s: { categories: string[]; departments: string[]; list: string }): Promise<void> {
  await db.query(
    `INSERT INTO suggestions_made (whistle_id, model_version, categories, departments, list) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (whistle_id) DO NOTHING`, [whistleId, version, s.categories, s.departments, s.list]);
}

/**
 * Of the whistles filed in [from, to) with a suggestion on record: how often its first category
 * was the whistle's category, and — of those dispatched — how often its first department was the
 * lead of the final dispatch. Null where there is nothing to count.
 */
export async function suggestionRates(db: Db, from: Date | null, to: Date | null):
  Promise<{ categoryTop1Rate: number | null; departmentTop1Rate: number | null }> {
  const { rows: [r] } = await db.query<{ suggested: number; category_hits: number; dispatched: number; department_hits: number }>(
    `SELECT count(*)::int AS suggested,
            count(*) FILTER (WHERE s.categories[1] = w.category)::int AS category_hits,
            count(t.lead)::int AS dispatched,
            count(*) FILTER (WHERE s.departments[1] = t.lead)::int AS department_hits
       FROM whistles w
       JOIN suggestions_made s ON s.whistle_id = w.id
       LEFT JOIN LATERAL (SELECT coalesce(e.data->>'lead', e.data->'departmentIds'->>0) AS lead
                            FROM whistle_events e WHERE e.whistle_id = w.id AND e.type = 'triaged'
                           ORDER BY e.seq DESC LIMIT 1) t ON true
      WHERE ($1::timestamptz IS NULL OR w.filed_at >= $1) AND ($2::timestamptz IS NULL OR w.filed_at < $2)`, [from, to]);
  const rate = (hits: number, n: number) => (n > 0 ? Math.round((hits / n) * 10_000) / 10_000 : null);
  return { categoryTop1Rate: rate(r.category_hits, r.suggested), departmentTop1Rate: rate(r.department_hits, r.dispatched) };
}
