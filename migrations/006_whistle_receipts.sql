-- Up Migration

-- 验单 receipts: one row per time a unit was given a whistle (a street at `filed`, each department
-- of `data.departmentIds` at `triaged`), with what happened in that receipt's span — the
-- per-receipt facts the quarterly assessment counts (docs/ASSESSMENT.md). The assessment is then
-- one GROUP BY over the receipts of a quarter instead of a walk over every whistle's timeline.
-- `whistle_events` stays the source: the rows are derived from it by whistle_receipt_facts()
-- and kept up to date by the trigger below, in the transaction that writes the timeline.
CREATE TABLE whistle_receipts (
  whistle_id        text NOT NULL,
  seq               integer NOT NULL,      -- the receipt's timeline entry (`filed` or `triaged`)
  unit_id           text NOT NULL,         -- the street, or one department of the dispatch
  received_at       timestamptz NOT NULL,  -- that entry's `at`: the quarter the receipt counts in
  accepted_on_time  boolean NOT NULL,
  resolved          boolean NOT NULL,
  resolved_on_time  boolean NOT NULL,
  overdue           boolean NOT NULL,
  escalated         boolean NOT NULL,
  returned          boolean NOT NULL,
  urged             boolean NOT NULL,
  rating            text,                  -- the span's last evaluation, null when none
  PRIMARY KEY (whistle_id, seq, unit_id)
);
-- A quarter is a range of received_at. Measured on the bench's 1M whistles (1.75M receipts, in
-- random heap order), median of 10: one day of receipts (21k, three times a real quarter) took
-- 28 ms with this index, 25 ms with INCLUDE (unit_id) (the facts still come from the heap), 11 ms
-- with every column included (index-only scan) and 210-260 ms without an index; one week (150k):
-- 150, 158 and 86 ms. Plain is the smallest (37 MB against 60 and 91 MB) and keeps the facts out
-- of every index, so the projection's updates of a receipt's facts can stay heap-only (HOT).
CREATE INDEX whistle_receipts_received_idx ON whistle_receipts (received_at);

-- The receipts of one whistle and their facts: the only definition of the assessment's counting
-- rules (docs/ASSESSMENT.md). A receipt lasts from its entry until the whistle's next `triaged`
-- entry, or for good; order within a whistle is `seq`, never time. So the `triaged` entries cut
-- the timeline into spans (`span` = how many `triaged` entries there are up to and including
-- this one), and a receipt's span is the entries after it with the same `span`. The facts are
-- what happened in that span:
--   accepted_on_time  the unit itself has an `accepted` entry with data.onTime = true
--   resolved          there is a `resolved` entry (credited to every unit of the receipt)
--   resolved_on_time  a `resolved` entry has data.onTime = true
--   overdue           the unit itself has an `overdue` or `deadline_escalation` entry
--   escalated         the unit itself has an `escalated` or `deadline_escalation` entry
--   returned          the unit itself has a `returned` entry
--   urged             an `urged` entry names the unit
--   rating            data.rating of the span's last `evaluated` entry (null: not evaluated)
-- The timeline is read once, along the primary key (whistle_id, seq); everything else is done
-- on those few rows. One SQL statement, STABLE, not STRICT: PostgreSQL inlines it into the
-- statement that calls it.
CREATE FUNCTION whistle_receipt_facts(p_whistle_id text)
RETURNS TABLE (whistle_id text, seq integer, unit_id text, received_at timestamptz,
               accepted_on_time boolean, resolved boolean, resolved_on_time boolean, overdue boolean,
               escalated boolean, returned boolean, urged boolean, rating text)
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
         (array_agg(e.data->>'rating' ORDER BY e.seq DESC) FILTER (WHERE e.type = 'evaluated'))[1]
    FROM receipts r
    LEFT JOIN timeline e ON e.span = r.span AND e.seq > r.seq
   GROUP BY r.seq, r.unit_id, r.at
$$;

-- Keeps whistle_receipts equal to whistle_receipt_facts() of every whistle whose timeline a
-- statement changed, in that statement's transaction: the projection (activities/read-model.ts),
-- a repair by hand, a test's fixture rows. A statement that inserts nothing (a retried
-- projection: ON CONFLICT DO NOTHING) has an empty transition table and changes nothing.
-- Timeline entries are only ever added, so on INSERT a receipt never disappears and the facts
-- are upserted (a row whose facts did not change is not rewritten); on DELETE or UPDATE the
-- whistle's receipts are computed again from scratch.
CREATE FUNCTION whistle_events_sync_receipts() RETURNS trigger
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
      returned = EXCLUDED.returned, urged = EXCLUDED.urged, rating = EXCLUDED.rating
    WHERE (r.received_at, r.accepted_on_time, r.resolved, r.resolved_on_time, r.overdue, r.escalated, r.returned, r.urged, r.rating)
          IS DISTINCT FROM
          (EXCLUDED.received_at, EXCLUDED.accepted_on_time, EXCLUDED.resolved, EXCLUDED.resolved_on_time, EXCLUDED.overdue,
           EXCLUDED.escalated, EXCLUDED.returned, EXCLUDED.urged, EXCLUDED.rating);
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

CREATE TRIGGER whistle_events_receipts_insert AFTER INSERT ON whistle_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION whistle_events_sync_receipts();
CREATE TRIGGER whistle_events_receipts_update AFTER UPDATE ON whistle_events
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION whistle_events_sync_receipts();
CREATE TRIGGER whistle_events_receipts_delete AFTER DELETE ON whistle_events
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION whistle_events_sync_receipts();

-- Backfill: the receipts of every whistle already on record, in batches right after this migration
-- (lib/backfills.ts, `whistle_receipts`), each batch its own transaction. Until 2026-12 this was
-- one INSERT … SELECT here, inside this migration's transaction: 78 s at 1M whistles, and at 10M
-- one transaction open for the whole table. Databases that ran that version have their receipts.
CREATE TABLE IF NOT EXISTS schema_backfills (
  name         text PRIMARY KEY,          -- the backfill's name in lib/backfills.ts
  enqueued_at  timestamptz NOT NULL DEFAULT now(),
  after_id     text NOT NULL DEFAULT '',  -- keyset cursor: the last whistle done (its id, or filed_at|id)
  rows         bigint NOT NULL DEFAULT 0, -- rows written so far
  updated_at   timestamptz,
  done_at      timestamptz
);
INSERT INTO schema_backfills (name) VALUES ('whistle_receipts') ON CONFLICT (name) DO NOTHING;

-- Down Migration
DELETE FROM schema_backfills WHERE name = 'whistle_receipts';
DROP TRIGGER whistle_events_receipts_delete ON whistle_events;
DROP TRIGGER whistle_events_receipts_update ON whistle_events;
DROP TRIGGER whistle_events_receipts_insert ON whistle_events;
DROP FUNCTION whistle_events_sync_receipts();
DROP FUNCTION whistle_receipt_facts(text);
DROP TABLE whistle_receipts;
