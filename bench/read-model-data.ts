/**
 * Synthetic read model for the scale benchmark, generated in PostgreSQL with generate_series
 * straight into a throwaway database's `whistles` and `whistle_events`:
 *
 * - communities of the seeded tree, skewed (a few communities file most); 15% filed by a compound
 *   (`location.compoundId`); 80% with coordinates (`location.lat`/`lng`) within about 700 m of
 *   their community's centre, the centres 2 to 3 km apart around 长乐 (for the duplicates query);
 * - 2% withdrawn; 35% resolved by the street (filed → accepted → progress → resolved →
 *   evaluated → closed); 63% go to the center (street accepts and escalates, or its deadline
 *   escalates; triaged into a list with one or two departments; the lead accepts, resolves; the
 *   community evaluates; closed). About a quarter are still open somewhere along the way;
 * - 5 to 8 timeline entries per whistle (6 on average), written both as `whistle_events` rows and
 *   as the `view` jsonb's timeline, with the `data` the assessment reads (onTime, list,
 *   departmentIds, rating);
 * - every whistle filed within one quarter (`from`..`to`), so that quarter's assessment covers all;
 * - `whistle_receipts` (the assessment's per-receipt facts) is filled the way it is in production:
 *   by the trigger on `whistle_events` (migrations/006_whistle_receipts.sql), from each batch's
 *   inserted entries, inside the batch's transaction.
 */
import type { ClientBase } from 'pg';
import { quarterOf } from '../lib/calendar';

/** The `count` quarters ending with the last full one, oldest first. */
export function quarters(count: number): string[] {
  let [y, q] = quarterOf(new Date()).split('-Q').map(Number);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
    out.unshift(`${y}-Q${q}`);
  }
  return out;
}

/** Rows $1..$2 of the series, filed in [$3, $4). */
const GENERATE = `
CREATE TEMP TABLE gen ON COMMIT DROP AS
WITH o AS (
  SELECT (SELECT array_agg(id ORDER BY id) FROM orgs WHERE kind = 'community') AS comms,
         (SELECT array_agg(parent_id ORDER BY id) FROM orgs WHERE kind = 'community') AS streets,
         (SELECT array_agg(id ORDER BY id) FROM orgs WHERE kind = 'department') AS depts,
         ARRAY['environment','property','roads','utilities','housing','public_safety','elderly_care','disputes','noise',
               'greening','parking','social_security','other'] AS cats,
         ARRAY['下水道堵塞污水外溢','小区门口路面塌陷','消防通道被长期占用','夜间施工噪音扰民','垃圾清运不及时',
               '独居老人需要助餐服务','楼道照明损坏','绿化带杂草丛生','电动车违规充电','二次供水水压不足'] AS titles
), r AS (
  SELECT g, o.*, random() AS r_comm, random() AS r_path, random() AS r_depth, random() AS r_list, random() AS r_rate,
         random() AS r_compound, random() AS r_two, random() AS r_esc, random() AS r_geo, random() AS r_lat, random() AS r_lng,
         $3::timestamptz + random() * (($4::timestamptz - $3::timestamptz) - interval '12 days') AS filed_at,
         interval '1 hour' * (0.5 + random() * 30) AS step
    FROM generate_series($1::int, $2::int) g, o
), a AS (
  SELECT r.*,
         1 + floor(power(r_comm, 1.6) * array_length(comms, 1))::int AS ci,
         depts[1 + floor(random() * array_length(depts, 1))::int] AS d1,
         depts[1 + floor(random() * array_length(depts, 1))::int] AS d2_raw,
         CASE WHEN r_path < 0.02 THEN 'W' WHEN r_path < 0.37 THEN 'S' ELSE 'C' END AS path,
         CASE WHEN r_list < 0.6 THEN 'immediate' WHEN r_list < 0.85 THEN 'phased' ELSE 'understanding' END AS list_c,
         CASE WHEN r_rate < 0.75 THEN 'satisfied' WHEN r_rate < 0.93 THEN 'basically_satisfied' ELSE 'unsatisfied' END AS rating_c,
         r_esc < 0.5 AS street_accepted,
         random() < 0.85 AS on_time_1, random() < 0.8 AS on_time_2, random() < 0.1 AS urgent
    FROM r
), b AS (
  SELECT a.*,
         substr(md5('whistle-bench-' || g), 1, 16) AS id,
         comms[ci] AS community_id, streets[ci] AS street_id,
         CASE WHEN r_two < 0.3 AND d2_raw <> d1 THEN ARRAY[d1, d2_raw] ELSE ARRAY[d1] END AS depts_c
    FROM a
), c AS (
  SELECT b.*,
         CASE WHEN r_compound < 0.15
              THEN coalesce((SELECT min(x.id) FROM orgs x WHERE x.parent_id = b.community_id AND x.kind = 'compound'), community_id)
              ELSE community_id END AS filer_org_id,
         -- The whole path; the whistle has reached "depth" entries of it.
         CASE path
           WHEN 'W' THEN ARRAY['filed','withdrawn']
           WHEN 'S' THEN ARRAY['filed','accepted','progress','resolved','evaluated','closed']
           ELSE CASE WHEN street_accepted THEN ARRAY['filed','accepted','escalated','triaged','accepted','resolved','evaluated','closed']
                     ELSE ARRAY['filed','deadline_escalation','triaged','accepted','progress','resolved','evaluated','closed'] END
         END AS types_all,
         CASE path
           WHEN 'W' THEN 2
           WHEN 'S' THEN CASE WHEN r_depth < 0.04 THEN 1 WHEN r_depth < 0.12 THEN 2 WHEN r_depth < 0.16 THEN 3 WHEN r_depth < 0.24 THEN 4 ELSE 6 END
           -- escalated, dispatched, department handling, resolved, closed
           ELSE CASE WHEN r_depth < 0.06 THEN CASE WHEN street_accepted THEN 3 ELSE 2 END
                     WHEN r_depth < 0.11 THEN CASE WHEN street_accepted THEN 4 ELSE 3 END
                     WHEN r_depth < 0.22 THEN 5 WHEN r_depth < 0.28 THEN 6 ELSE 8 END
         END AS depth
    FROM b
)
SELECT c.g, c.id, c.community_id, c.street_id, c.filer_org_id, c.cats[1 + (c.g % 13)] AS category, c.urgent,
       c.titles[1 + (c.g % 10)] || '（' || c.g || '）' AS title, c.filed_at, c.step, c.path, c.list_c, c.rating_c, c.depts_c,
       c.on_time_1, c.on_time_2,
       c.types_all[1:least(c.depth, array_length(c.types_all, 1))] AS types,
       CASE WHEN c.filer_org_id <> c.community_id THEN c.filer_org_id END AS compound_id,
       CASE WHEN c.r_geo < 0.8 THEN round((25.90 + (c.ci % 4) * 0.02 + (c.r_lat - 0.5) * 0.012)::numeric, 6) END AS lat,
       CASE WHEN c.r_geo < 0.8 THEN round((119.45 + (c.ci / 4) * 0.03 + (c.r_lng - 0.5) * 0.014)::numeric, 6) END AS lng
  FROM c`;

/** Derived columns of each generated whistle: its status, holder, departments, and per-entry facts. */
const SHAPE = `
CREATE TEMP TABLE shaped ON COMMIT DROP AS
SELECT gen.*,
       CASE last WHEN 'filed' THEN 'filed' WHEN 'accepted' THEN CASE WHEN triaged THEN 'department_handling' ELSE 'street_handling' END
                 WHEN 'progress' THEN CASE WHEN triaged THEN 'department_handling' ELSE 'street_handling' END
                 WHEN 'escalated' THEN 'escalated' WHEN 'deadline_escalation' THEN 'escalated' WHEN 'triaged' THEN 'dispatched'
                 WHEN 'resolved' THEN 'resolved' WHEN 'evaluated' THEN 'closed' WHEN 'closed' THEN 'closed' WHEN 'withdrawn' THEN 'withdrawn' END AS status
  FROM (SELECT gen.*, types[array_length(types, 1)] AS last, 'triaged' = ANY(types) AS triaged FROM gen) gen`;

/** A timestamp as JSON text the way the workflow writes it (`new Date().toISOString()`). */
const iso = (expr: string) => `to_jsonb(to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

const INSERT_WHISTLES = `
INSERT INTO whistles (id, version, status, list, category, urgent, filer_org_id, community_id, street_id, holder, department_ids,
                      seen_by_departments, due_at, overdue, filed_at, resolved_at, closed_at, rating, reporter_name, view)
SELECT s.id, array_length(s.types, 1) + 1, s.status, lst, s.category, s.urgent, s.filer_org_id, s.community_id, s.street_id, holder,
       depts, depts, due_at, overdue, s.filed_at, resolved_at, closed_at, rating, '李大爷',
       jsonb_build_object(
         'id', s.id, 'title', s.title, 'description', '居民反映：' || s.title || '，已持续多日，影响日常生活，希望尽快协调处理。',
         'category', s.category, 'urgent', s.urgent,
         'location', jsonb_build_object('communityId', s.community_id, 'address', (1 + s.g % 30) || '号楼', 'grid', '网格' || (1 + s.g % 12))
                     || CASE WHEN s.compound_id IS NOT NULL THEN jsonb_build_object('compoundId', s.compound_id) ELSE '{}'::jsonb END
                     || CASE WHEN s.lat IS NOT NULL THEN jsonb_build_object('lat', s.lat, 'lng', s.lng) ELSE '{}'::jsonb END,
         'status', s.status, 'list', lst, 'communityId', s.community_id, 'streetId', s.street_id, 'filerOrgId', s.filer_org_id,
         'holder', holder,
         'departments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', d, 'lead', d = depts[1],
                           'status', CASE WHEN s.status = 'dispatched' THEN 'dispatched' WHEN s.status = 'department_handling' THEN 'handling' ELSE 'resolved' END)), '[]'::jsonb)
                           FROM unnest(depts) d),
         'dueAt', ${iso('due_at')}, 'overdue', overdue, 'reopenCount', 0, 'filedAt', ${iso('s.filed_at')},
         'resolvedAt', ${iso('resolved_at')}, 'closedAt', ${iso('closed_at')},
         'result', CASE WHEN resolved_at IS NOT NULL THEN '已协调处理完毕，现场恢复正常。' END,
         'outcome', CASE WHEN resolved_at IS NOT NULL THEN CASE WHEN lst = 'understanding' THEN 'explained' ELSE 'solved' END END,
         'evaluation', CASE WHEN rating IS NOT NULL THEN jsonb_build_object('rating', rating, 'comment', NULL, 'at', ${iso('closed_at')}) END,
         'timeline', (SELECT jsonb_agg(jsonb_build_object('at', ${iso('s.filed_at + s.step * (k - 1)')}, 'type', t, 'actor',
                        CASE WHEN t IN ('filed', 'evaluated', 'closed', 'withdrawn') THEN s.filer_org_id
                             WHEN t = 'deadline_escalation' THEN 'system' WHEN t = 'triaged' THEN 'center'
                             WHEN s.triaged AND t IN ('accepted', 'progress', 'resolved') AND k > array_position(s.types, 'triaged') THEN s.depts_c[1]
                             ELSE s.street_id END,
                        'note', CASE WHEN t = 'progress' THEN '已联系施工单位，正在处理' WHEN t = 'escalated' THEN '街道无法协调，上报区中心' END)
                        ORDER BY k) FROM unnest(s.types) WITH ORDINALITY AS x(t, k))
       )
  FROM (
    SELECT shaped.*,
           CASE WHEN triaged THEN list_c END AS lst,
           CASE WHEN triaged THEN depts_c ELSE '{}'::text[] END AS depts,
           CASE status WHEN 'filed' THEN street_id WHEN 'street_handling' THEN street_id WHEN 'escalated' THEN 'center'
                       WHEN 'dispatched' THEN depts_c[1] WHEN 'department_handling' THEN depts_c[1] WHEN 'resolved' THEN filer_org_id END AS holder,
           CASE WHEN status IN ('closed', 'withdrawn') THEN NULL ELSE filed_at + step * array_length(types, 1) + interval '3 days' END AS due_at,
           status NOT IN ('closed', 'withdrawn', 'resolved') AND (g % 10) = 0 AS overdue,
           CASE WHEN 'resolved' = ANY(types) THEN filed_at + step * (array_position(types, 'resolved') - 1) END AS resolved_at,
           CASE WHEN status IN ('closed', 'withdrawn') THEN filed_at + step * (array_length(types, 1) - 1) END AS closed_at,
           CASE WHEN 'evaluated' = ANY(types) THEN rating_c END AS rating
      FROM shaped) s`;

const INSERT_EVENTS = `
INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data)
SELECT s.id, k, s.filed_at + s.step * (k - 1), t,
       CASE WHEN t IN ('filed', 'evaluated', 'closed', 'withdrawn') THEN s.filer_org_id
            WHEN t = 'deadline_escalation' THEN 'system' WHEN t = 'triaged' THEN 'center'
            WHEN dept THEN s.depts_c[1] ELSE s.street_id END,
       CASE WHEN t = 'closed' THEN NULL WHEN t = 'triaged' THEN 'center' WHEN dept THEN s.depts_c[1]
            WHEN t = 'evaluated' THEN CASE WHEN s.triaged THEN s.depts_c[1] ELSE s.street_id END
            ELSE s.street_id END,
       CASE WHEN t = 'progress' THEN '已联系施工单位，正在处理' WHEN t = 'escalated' THEN '街道无法协调，上报区中心' END,
       CASE t WHEN 'filed' THEN jsonb_build_object('urgent', s.urgent)
              WHEN 'accepted' THEN jsonb_build_object('onTime', s.on_time_1)
              WHEN 'escalated' THEN jsonb_build_object('from', 'street')
              WHEN 'deadline_escalation' THEN jsonb_build_object('from', 'street')
              WHEN 'triaged' THEN jsonb_build_object('list', s.list_c, 'departmentIds', to_jsonb(s.depts_c), 'lead', s.depts_c[1])
              WHEN 'resolved' THEN jsonb_build_object('outcome', CASE WHEN s.list_c = 'understanding' AND s.triaged THEN 'explained' ELSE 'solved' END,
                                                      'onTime', s.on_time_2, 'list', CASE WHEN s.triaged THEN s.list_c END)
              WHEN 'evaluated' THEN jsonb_build_object('rating', s.rating_c)
              ELSE '{}'::jsonb END
  FROM shaped s
 CROSS JOIN LATERAL (
   SELECT t, k::int AS k, s.triaged AND t IN ('accepted', 'progress', 'resolved') AND k > array_position(s.types, 'triaged') AS dept
     FROM unnest(s.types) WITH ORDINALITY AS x(t, k)) e`;

/** Adds whistles number `first`..`last` (and their timelines), in batches; returns rows added. */
export async function generate(db: ClientBase, first: number, last: number, from: Date, to: Date,
  progress?: (done: number) => void): Promise<number> {
  const batch = 100_000;
  let added = 0;
  for (let lo = first; lo <= last; lo += batch) {
    const hi = Math.min(last, lo + batch - 1);
    await db.query('BEGIN');
    try {
      await db.query(GENERATE, [lo, hi, from.toISOString(), to.toISOString()]);
      await db.query(SHAPE);
      const w = await db.query(INSERT_WHISTLES);
      await db.query(INSERT_EVENTS);
      await db.query('COMMIT');
      added += w.rowCount ?? 0;
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    progress?.(added);
  }
  return added;
}

/**
 * Rebuilds every receipt from the timeline in one statement, as migration 006 did before its backfill ran
 * in batches (lib/backfills.ts)
 * (for the bench's timing of a full rebuild; the generator does not need it).
 */
export const RECEIPTS_BACKFILL = `
INSERT INTO whistle_receipts
SELECT f.*
  FROM (SELECT DISTINCT e.whistle_id FROM whistle_events e WHERE e.type IN ('filed', 'triaged')) w
 CROSS JOIN LATERAL whistle_receipt_facts(w.whistle_id) f`;

/** Secondary indexes of the generated tables, to drop before a bulk load and build again after. */
export async function secondaryIndexes(db: ClientBase): Promise<Array<{ name: string; def: string }>> {
  const { rows } = await db.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def
       FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.indexname
       JOIN pg_index x ON x.indexrelid = c.oid
      WHERE i.schemaname = 'public' AND i.tablename IN ('whistles', 'whistle_events', 'whistle_receipts') AND NOT x.indisprimary AND NOT x.indisunique`);
  return rows;
}
