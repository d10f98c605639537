-- Up Migration

-- 验单, fairly counted (docs/ASSESSMENT.md "Pending receipts", "Returns ruled", "Callbacks"):
-- five more facts per receipt.
--   pending_acceptance  the receipt is still with the unit (its span is the whistle's last and
--                       nothing in it ended the unit's turn: no escalation, return, resolution,
--                       withdrawal, merge, reopening or closing), the unit has not accepted, and
--                       its acceptance deadline has not passed (no `overdue` entry of the unit for
--                       `street.accept` / `department.accept`, no `deadline_escalation`)
--   pending_resolution  the receipt is still with the unit as above and its resolution deadline has
--                       not passed (no `overdue` entry for a list deadline `lists.*` in the span,
--                       no `deadline_escalation`)
--   return_ruling       派单异议审核 of the unit's return in this receipt: data.ruling of the first
--                       `return_ruled` entry of the unit after its `returned` entry of this span and
--                       before its next `returned` (null: not returned, or not ruled)
--   callback_reached    回访 of the resolution of this span, credited to the unit that resolved it:
--   callback_rating     the last `callback` entry of the span naming the unit (null: no callback)
-- A deadline counts as passed when the whistle's workflow recorded what its passing does (the
-- `overdue` or `deadline_escalation` entry, written by the deadline's timer at that instant).
ALTER TABLE whistle_receipts
  ADD COLUMN pending_acceptance boolean NOT NULL DEFAULT false,
  ADD COLUMN pending_resolution boolean NOT NULL DEFAULT false,
  ADD COLUMN return_ruling text,
  ADD COLUMN callback_reached boolean,
  ADD COLUMN callback_rating text;

DROP FUNCTION whistle_receipt_facts(text);
CREATE FUNCTION whistle_receipt_facts(p_whistle_id text)
RETURNS TABLE (whistle_id text, seq integer, unit_id text, received_at timestamptz,
               accepted_on_time boolean, resolved boolean, resolved_on_time boolean, overdue boolean,
               escalated boolean, returned boolean, urged boolean, rating text,
               extended boolean, due_soon_warned boolean,
               pending_acceptance boolean, pending_resolution boolean, return_ruling text,
               callback_reached boolean, callback_rating text)
LANGUAGE sql STABLE
AS $$
  WITH timeline AS MATERIALIZED (
    SELECT t.seq, t.at, t.type, t.unit_id, t.data,
           count(*) FILTER (WHERE t.type = 'triaged') OVER (ORDER BY t.seq) AS span
      FROM whistle_events t
     WHERE t.whistle_id = p_whistle_id
  ), receipts AS (
    SELECT f.seq, f.at, f.span, f.unit_id
      FROM timeline f
     WHERE f.type = 'filed' AND f.unit_id IS NOT NULL
    UNION
    SELECT d.seq, d.at, d.span, x.unit_id
      FROM timeline d
     CROSS JOIN LATERAL jsonb_array_elements_text(
       CASE WHEN jsonb_typeof(d.data->'departmentIds') = 'array' THEN d.data->'departmentIds' ELSE '[]'::jsonb END) AS x(unit_id)
     WHERE d.type = 'triaged' AND x.unit_id IS NOT NULL
  ), rulings AS (
    -- Each ruling belongs to the span of the unit's latest `returned` entry before it.
    SELECT q.unit_id, q.seq, q.data->>'ruling' AS ruling,
           (SELECT t.span FROM timeline t
             WHERE t.type = 'returned' AND t.unit_id = q.unit_id AND t.seq < q.seq ORDER BY t.seq DESC LIMIT 1) AS span
      FROM timeline q
     WHERE q.type = 'return_ruled' AND q.unit_id IS NOT NULL
  ), facts AS (
    SELECT r.seq, r.unit_id, r.at, r.span,
           coalesce(bool_or(e.type = 'accepted' AND e.unit_id = r.unit_id AND e.data->>'onTime' = 'true'), false) AS accepted_on_time,
           coalesce(bool_or(e.type = 'resolved'), false) AS resolved,
           coalesce(bool_or(e.type = 'resolved' AND e.data->>'onTime' = 'true'), false) AS resolved_on_time,
           coalesce(bool_or(e.type IN ('overdue', 'deadline_escalation') AND e.unit_id = r.unit_id), false) AS overdue,
           coalesce(bool_or(e.type IN ('escalated', 'deadline_escalation') AND e.unit_id = r.unit_id), false) AS escalated,
           coalesce(bool_or(e.type = 'returned' AND e.unit_id = r.unit_id), false) AS returned,
           coalesce(bool_or(e.type = 'urged' AND e.unit_id = r.unit_id), false) AS urged,
           (array_agg(e.data->>'rating' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'evaluated'))[1] AS rating,
           coalesce(bool_or(e.type = 'extension_approved' AND e.unit_id = r.unit_id), false) AS extended,
           coalesce(bool_or(e.type = 'due_soon' AND e.unit_id = r.unit_id), false) AS due_soon_warned,
           -- the unit's turn ended within the span (or the whistle's life did)
           coalesce(bool_or(e.type IN ('escalated', 'deadline_escalation', 'returned', 'resolved', 'withdrawn', 'merged',
                                       'reopened', 'closed')), false) AS ended,
           coalesce(bool_or(e.type = 'accepted' AND e.unit_id = r.unit_id), false) AS accepted,
           coalesce(bool_or(e.type = 'overdue' AND e.unit_id = r.unit_id
                            AND e.data->>'deadline' IN ('street.accept', 'department.accept')), false) AS accept_passed,
           coalesce(bool_or(e.type = 'overdue' AND e.data->>'deadline' LIKE 'lists.%'), false) AS resolve_passed,
           (array_agg(e.data->'reached' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'callback' AND e.unit_id = r.unit_id))[1] AS callback_reached,
           (array_agg(e.data->>'rating' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'callback' AND e.unit_id = r.unit_id))[1] AS callback_rating
      FROM receipts r
      LEFT JOIN timeline e ON e.span = r.span AND e.seq > r.seq
     GROUP BY r.seq, r.unit_id, r.at, r.span
  )
  SELECT p_whistle_id, f.seq, f.unit_id, f.at,
         f.accepted_on_time, f.resolved, f.resolved_on_time, f.overdue, f.escalated, f.returned, f.urged, f.rating,
         f.extended, f.due_soon_warned,
         (live AND NOT f.accepted AND NOT f.accept_passed),
         (live AND NOT f.resolve_passed),
         CASE WHEN f.returned THEN
           (SELECT g.ruling FROM rulings g WHERE g.unit_id = f.unit_id AND g.span = f.span ORDER BY g.seq LIMIT 1) END,
         CASE WHEN f.callback_reached IS NULL OR jsonb_typeof(f.callback_reached) = 'null' THEN NULL
              ELSE f.callback_reached = 'true'::jsonb END,
         f.callback_rating
    FROM facts f
   CROSS JOIN LATERAL (SELECT NOT f.ended AND f.span = (SELECT max(t.span) FROM timeline t)) AS l(live)
$$;

CREATE OR REPLACE FUNCTION whistle_events_sync_receipts() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  touched text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO whistle_receipts AS r
    SELECT f.*
      FROM (SELECT DISTINCT n.whistle_id FROM new_rows n) w
     CROSS JOIN LATERAL whistle_receipt_facts(w.whistle_id) f
    ON CONFLICT (whistle_id, seq, unit_id) DO UPDATE SET
      received_at = EXCLUDED.received_at, accepted_on_time = EXCLUDED.accepted_on_time, resolved = EXCLUDED.resolved,
      resolved_on_time = EXCLUDED.resolved_on_time, overdue = EXCLUDED.overdue, escalated = EXCLUDED.escalated,
      returned = EXCLUDED.returned, urged = EXCLUDED.urged, rating = EXCLUDED.rating,
      extended = EXCLUDED.extended, due_soon_warned = EXCLUDED.due_soon_warned,
      pending_acceptance = EXCLUDED.pending_acceptance, pending_resolution = EXCLUDED.pending_resolution,
      return_ruling = EXCLUDED.return_ruling, callback_reached = EXCLUDED.callback_reached,
      callback_rating = EXCLUDED.callback_rating
    WHERE (r.received_at, r.accepted_on_time, r.resolved, r.resolved_on_time, r.overdue, r.escalated, r.returned, r.urged, r.rating,
           r.extended, r.due_soon_warned, r.pending_acceptance, r.pending_resolution, r.return_ruling, r.callback_reached,
           r.callback_rating)
          IS DISTINCT FROM
          (EXCLUDED.received_at, EXCLUDED.accepted_on_time, EXCLUDED.resolved, EXCLUDED.resolved_on_time, EXCLUDED.overdue,
           EXCLUDED.escalated, EXCLUDED.returned, EXCLUDED.urged, EXCLUDED.rating, EXCLUDED.extended, EXCLUDED.due_soon_warned,
           EXCLUDED.pending_acceptance, EXCLUDED.pending_resolution, EXCLUDED.return_ruling, EXCLUDED.callback_reached,
           EXCLUDED.callback_rating);
  ELSE
    IF TG_OP = 'DELETE' THEN
      touched := ARRAY(SELECT DISTINCT o.whistle_id FROM old_rows o);
    ELSE
      touched := ARRAY(SELECT o.whistle_id FROM old_rows o UNION SELECT n.whistle_id FROM new_rows n);
    END IF;
    DELETE FROM whistle_receipts r WHERE r.whistle_id = ANY (touched);
    INSERT INTO whistle_receipts
    SELECT f.* FROM unnest(touched) AS w(whistle_id) CROSS JOIN LATERAL whistle_receipt_facts(w.whistle_id) f;
  END IF;
  RETURN NULL;
END
$$;

-- The facts of receipts already on record: only a whistle still open can have a pending receipt,
-- and `return_ruled` / `callback` entries did not exist before this migration, so recomputing the
-- receipts of the open whistles (a small share of the table) brings every row up to date. Only rows
-- that exist are updated: receipts not yet written (006's backfill still pending on an upgrade)
-- are written by that backfill with the facts above.
UPDATE whistle_receipts r
   SET pending_acceptance = f.pending_acceptance, pending_resolution = f.pending_resolution
  FROM whistles w
 CROSS JOIN LATERAL whistle_receipt_facts(w.id) f
 WHERE w.status IN ('filed', 'street_handling', 'escalated', 'dispatched', 'department_handling')
   AND r.whistle_id = f.whistle_id AND r.seq = f.seq AND r.unit_id = f.unit_id
   AND (r.pending_acceptance, r.pending_resolution) IS DISTINCT FROM (f.pending_acceptance, f.pending_resolution);

-- Down Migration
-- Not reversible in place: restore from a backup (npm run restore) instead.
DO $$ BEGIN RAISE EXCEPTION 'migration 043 cannot be undone; restore a backup instead'; END $$;
