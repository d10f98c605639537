-- Up Migration

-- The projection of a whistle (activities/read-model.ts) in one statement, so one round trip: it
-- was six (BEGIN, the row locked and read, the row, the timeline, the outbox, COMMIT), each
-- waiting for the one before, inside the workflow task of every filing, action and deadline
-- (a local activity) and before the API's answer to each of them. The rules are those of the six
-- statements, unchanged:
--
-- * the row moves only forward: a projection of an older version changes nothing; the same
--   version overwrites (a workflow task that never completed projected it once already, with its
--   own instants), and the same version with the same content is not written again (the API
--   wrote an action's answer, the workflow projects it a moment later): no new row version, no
--   index entries, no WAL;
-- * timeline entries are written once, and rewritten only by the current projection; entries past
--   the current version's timeline can only come from a task that never completed, and go;
-- * the 验单 receipts follow the timeline by the trigger on whistle_events, in this transaction;
-- * each notification (the outbox) is keyed by entry and recipient: written once, ever, and only
--   for entries this projection wrote (`entry_seq`); rows get their ids in the order given, which
--   is the order the outbox delivers them in;
-- * `reporter` (the API's filing only): the reporter's name and phone, kept here and never in the
--   workflow; `durable` false: the commit does not wait for the disk (the API's writes, which the
--   workflow's own projection repeats durably) — unless a reporter is written.
--
-- `projected` holds the row's columns by name (jsonb_populate_record), `entries` the timeline
-- entries, `outbox` the notifications the entries cause. Returns whether this projection is the
-- row's current one.
CREATE FUNCTION whistle_project(projected jsonb, entries jsonb, timeline_length integer, outbox jsonb,
  reporter jsonb, durable boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  r whistles;
  had_version integer;
  had_view jsonb;
  had_rules jsonb;
  had_seen text[];
  is_current boolean;
  written integer[];
BEGIN
  IF NOT durable AND reporter IS NULL THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  r := jsonb_populate_record(NULL::whistles, projected);
  IF reporter IS NOT NULL THEN
    INSERT INTO whistle_reporters (whistle_id, name, phone) VALUES (r.id, reporter ->> 'name', reporter ->> 'phone')
    ON CONFLICT (whistle_id) DO NOTHING;
  END IF;

  SELECT version, view, rules, seen_by_departments INTO had_version, had_view, had_rules, had_seen
    FROM whistles WHERE id = r.id FOR UPDATE;
  IF had_version = r.version AND had_view = r.view AND had_rules IS NOT DISTINCT FROM r.rules
     AND had_seen = r.seen_by_departments THEN
    is_current := true;
  ELSE
    INSERT INTO whistles (id, version, status, list, category, urgent, filer_org_id, community_id, street_id, holder,
      department_ids, seen_by_departments, due_at, overdue, filed_at, resolved_at, closed_at, rating, reporter_name, view,
      rules, due_soon, duplicate_of, reports, waiting_org_ids, updated_at)
    VALUES (r.id, r.version, r.status, r.list, r.category, r.urgent, r.filer_org_id, r.community_id, r.street_id, r.holder,
      r.department_ids, r.seen_by_departments, r.due_at, r.overdue, r.filed_at, r.resolved_at, r.closed_at, r.rating,
      r.reporter_name, r.view, r.rules, r.due_soon, r.duplicate_of, r.reports, r.waiting_org_ids, now())
    ON CONFLICT (id) DO UPDATE SET
      version = EXCLUDED.version, status = EXCLUDED.status, list = EXCLUDED.list, holder = EXCLUDED.holder,
      department_ids = EXCLUDED.department_ids, seen_by_departments = EXCLUDED.seen_by_departments,
      due_at = EXCLUDED.due_at, overdue = EXCLUDED.overdue, resolved_at = EXCLUDED.resolved_at,
      closed_at = EXCLUDED.closed_at, rating = EXCLUDED.rating, view = EXCLUDED.view, rules = EXCLUDED.rules,
      due_soon = EXCLUDED.due_soon, duplicate_of = EXCLUDED.duplicate_of, reports = EXCLUDED.reports,
      waiting_org_ids = EXCLUDED.waiting_org_ids, updated_at = now()
    WHERE whistles.version <= EXCLUDED.version;
    is_current := FOUND;
  END IF;

  WITH inserted AS (
    INSERT INTO whistle_events (whistle_id, seq, at, type, actor, unit_id, note, data)
    SELECT r.id, e.seq, e.at, e.type, e.actor, e.unit_id, e.note, coalesce(e.data, '{}')
      FROM jsonb_to_recordset(entries) AS e(seq int, at timestamptz, type text, actor text, unit_id text, note text, data jsonb)
    ON CONFLICT (whistle_id, seq) DO UPDATE SET
      at = EXCLUDED.at, type = EXCLUDED.type, actor = EXCLUDED.actor, unit_id = EXCLUDED.unit_id,
      note = EXCLUDED.note, data = EXCLUDED.data
    WHERE is_current
      AND (whistle_events.at, whistle_events.type, whistle_events.actor, whistle_events.unit_id, whistle_events.note,
           whistle_events.data)
          IS DISTINCT FROM (EXCLUDED.at, EXCLUDED.type, EXCLUDED.actor, EXCLUDED.unit_id, EXCLUDED.note, EXCLUDED.data)
    RETURNING seq)
  SELECT coalesce(array_agg(seq), '{}') INTO written FROM inserted;

  IF is_current AND had_version = r.version THEN
    DELETE FROM whistle_events WHERE whistle_id = r.id AND seq > timeline_length;
  END IF;

  INSERT INTO notifications (event_key, recipient_org_id, kind, subject_type, subject_id, message, data)
  SELECT n.event_key, n.recipient_org_id, n.kind, n.subject_type, n.subject_id, n.message, n.data
    FROM ROWS FROM (jsonb_to_recordset(outbox) AS (entry_seq int, event_key text, recipient_org_id text, kind text,
           subject_type text, subject_id text, message text, data jsonb)) WITH ORDINALITY
           AS n(entry_seq, event_key, recipient_org_id, kind, subject_type, subject_id, message, data, i)
   WHERE n.entry_seq = ANY (written)
   ORDER BY n.i
  ON CONFLICT (event_key, recipient_org_id) DO NOTHING;

  RETURN is_current;
END $$;

-- Down Migration
DROP FUNCTION whistle_project(jsonb, jsonb, integer, jsonb, jsonb, boolean);
