-- Up Migration

-- The read model of the second round's whistle: what the rules read beyond the view (`rules`:
-- extension approvals left, the whistles merged in), the early warning (临期预警), merging
-- (重复件合并), and the queue (工作台): `waiting_org_ids` are the organisations the whistle waits
-- for now — its holder, a dispatched department that has not accepted yet, and the center while an
-- extension request waits for its decision (GET /v1/whistles?holder=me).
ALTER TABLE whistles
  ADD COLUMN IF NOT EXISTS rules jsonb,
  ADD COLUMN IF NOT EXISTS due_soon boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS duplicate_of text,
  ADD COLUMN IF NOT EXISTS reports integer NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS waiting_org_ids text[] NOT NULL DEFAULT '{}';

-- Whistles of the first round wait for their holder (the only one their rules know): filled in
-- batches right after this migration (lib/backfills.ts, `whistle_waiting_first_round`); until 2026-12
-- one UPDATE here. The queue is 006's (created here too for databases that ran 006 before it had one).
CREATE TABLE IF NOT EXISTS schema_backfills (
  name text PRIMARY KEY, enqueued_at timestamptz NOT NULL DEFAULT now(), after_id text NOT NULL DEFAULT '',
  rows bigint NOT NULL DEFAULT 0, updated_at timestamptz, done_at timestamptz);
INSERT INTO schema_backfills (name) VALUES ('whistle_waiting_first_round') ON CONFLICT (name) DO NOTHING;

-- The queue's index (GIN over `waiting_org_ids`), the supervisors' board's (督办: overdue and due
-- soon, newest first) and the category's are built CONCURRENTLY right after this migration and its
-- backfill (lib/backfills.ts): built here they held a SHARE lock on every whistle for the whole
-- build, and every projection waited (26.7 s at 4 million whistles). Until 2026-12 they were
-- CREATE INDEX statements here; databases that ran 010 then have them already.
INSERT INTO schema_backfills (name)
VALUES ('whistles_waiting_idx'), ('whistles_overdue_idx'), ('whistles_due_soon_idx'), ('whistles_category_idx')
ON CONFLICT (name) DO NOTHING;

-- 验单: two more facts per receipt — the unit had an extension approved in that span (延期), and
-- it was warned before a deadline (临期预警). Existing receipts have neither (no such entries yet).
ALTER TABLE whistle_receipts
  ADD COLUMN extended boolean NOT NULL DEFAULT false,
  ADD COLUMN due_soon_warned boolean NOT NULL DEFAULT false;

DROP FUNCTION whistle_receipt_facts(text);
-- As in 006, plus:
--   extended          the unit itself has an `extension_approved` entry
--   due_soon_warned   the unit itself has a `due_soon` entry
CREATE FUNCTION whistle_receipt_facts(p_whistle_id text)
RETURNS TABLE (whistle_id text, seq integer, unit_id text, received_at timestamptz,
               accepted_on_time boolean, resolved boolean, resolved_on_time boolean, overdue boolean,
               escalated boolean, returned boolean, urged boolean, rating text,
               extended boolean, due_soon_warned boolean)
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
  )
  SELECT p_whistle_id, r.seq, r.unit_id, r.at,
         coalesce(bool_or(e.type = 'accepted' AND e.unit_id = r.unit_id AND e.data->>'onTime' = 'true'), false),
         coalesce(bool_or(e.type = 'resolved'), false),
         coalesce(bool_or(e.type = 'resolved' AND e.data->>'onTime' = 'true'), false),
         coalesce(bool_or(e.type IN ('overdue', 'deadline_escalation') AND e.unit_id = r.unit_id), false),
         coalesce(bool_or(e.type IN ('escalated', 'deadline_escalation') AND e.unit_id = r.unit_id), false),
         coalesce(bool_or(e.type = 'returned' AND e.unit_id = r.unit_id), false),
         coalesce(bool_or(e.type = 'urged' AND e.unit_id = r.unit_id), false),
         (array_agg(e.data->>'rating' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'evaluated'))[1],
         coalesce(bool_or(e.type = 'extension_approved' AND e.unit_id = r.unit_id), false),
         coalesce(bool_or(e.type = 'due_soon' AND e.unit_id = r.unit_id), false)
    FROM receipts r
    LEFT JOIN timeline e ON e.span = r.span AND e.seq > r.seq
   GROUP BY r.seq, r.unit_id, r.at
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
      extended = EXCLUDED.extended, due_soon_warned = EXCLUDED.due_soon_warned
    WHERE (r.received_at, r.accepted_on_time, r.resolved, r.resolved_on_time, r.overdue, r.escalated, r.returned, r.urged, r.rating,
           r.extended, r.due_soon_warned)
          IS DISTINCT FROM
          (EXCLUDED.received_at, EXCLUDED.accepted_on_time, EXCLUDED.resolved, EXCLUDED.resolved_on_time, EXCLUDED.overdue,
           EXCLUDED.escalated, EXCLUDED.returned, EXCLUDED.urged, EXCLUDED.rating, EXCLUDED.extended, EXCLUDED.due_soon_warned);
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

-- Idempotency keys (IETF httpapi Idempotency-Key, as Stripe uses them): per account, across every
-- endpoint, the fingerprint of the first request that used the key (method, path and parsed
-- body). The same key with another request is 422 idempotency_conflict and changes nothing.
CREATE TABLE idempotency_keys (
  account_id   text NOT NULL,
  key          text NOT NULL,
  fingerprint  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);

-- Down Migration
-- Not reversible in place (the receipts' facts and the read model's columns are what the second
-- round's whistles need): restore from a backup (npm run restore) instead.
DO $$ BEGIN RAISE EXCEPTION 'migration 010 cannot be undone; restore a backup instead'; END $$;
