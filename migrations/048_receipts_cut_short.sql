-- Up Migration

-- 验单, fairly counted, for departments dispatched together (docs/ASSESSMENT.md "Pending
-- receipts"): when one department of a dispatch returns the whistle (退单), the turn of the others
-- ends by no act of their own. Their receipt in that dispatch is "cut short": not yet accepted (or
-- not yet resolved) while their deadline had not passed, it counts in neither the numerator nor the
-- denominator of their response (resolution) rate, as a receipt still waiting does (it is
-- pending_acceptance / pending_resolution). Before, such a receipt counted as received and neither
-- accepted nor resolved: a department was marked down for the lead's return.

CREATE OR REPLACE FUNCTION whistle_receipt_facts(p_whistle_id text)
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
           -- another department of the same dispatch returned the whistle: this unit's turn ended
           -- by no act of its own (and before any deadline of its own, unless one is recorded)
           coalesce(bool_or(e.type = 'returned' AND e.unit_id <> r.unit_id), false) AS other_returned,
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
         ((live OR cut) AND NOT f.accepted AND NOT f.accept_passed),
         ((live OR cut) AND NOT f.resolve_passed),
         CASE WHEN f.returned THEN
           (SELECT g.ruling FROM rulings g WHERE g.unit_id = f.unit_id AND g.span = f.span ORDER BY g.seq LIMIT 1) END,
         CASE WHEN f.callback_reached IS NULL OR jsonb_typeof(f.callback_reached) = 'null' THEN NULL
              ELSE f.callback_reached = 'true'::jsonb END,
         f.callback_rating
    FROM facts f
   CROSS JOIN LATERAL (SELECT NOT f.ended AND f.span = (SELECT max(t.span) FROM timeline t)) AS l(live)
   CROSS JOIN LATERAL (SELECT f.other_returned AND NOT f.returned AND NOT f.resolved) AS c(cut)
$$;

-- Receipts already on record: only whistles with a return can hold a receipt cut short.
UPDATE whistle_receipts r
   SET pending_acceptance = f.pending_acceptance, pending_resolution = f.pending_resolution
  FROM (SELECT DISTINCT whistle_id FROM whistle_events WHERE type = 'returned') w
 CROSS JOIN LATERAL whistle_receipt_facts(w.whistle_id) f
 WHERE r.whistle_id = f.whistle_id AND r.seq = f.seq AND r.unit_id = f.unit_id
   AND (r.pending_acceptance, r.pending_resolution) IS DISTINCT FROM (f.pending_acceptance, f.pending_resolution);

-- Down Migration
-- Not reversible in place: restore from a backup (npm run restore) instead.
DO $$ BEGIN RAISE EXCEPTION 'migration 048 cannot be undone; restore a backup instead'; END $$;
