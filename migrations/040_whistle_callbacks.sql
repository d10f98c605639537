-- Up Migration

-- 回访 (callbacks): what GET /v1/whistles?callbackDue=true reads — resolved and closed whistles
-- whose callback window (`callback.within` after the latest resolution) is open and whose latest
-- resolution has no callback yet. Two plain columns kept from what the projection writes (the
-- rules' `callbackUntil`, the view's `callback`) by a trigger, as 017's place columns are, so the
-- projection function (016) stays as it is. Whistles on record before have no window (their
-- workflows keep none): NULL, nothing to fill in.
ALTER TABLE whistles
  ADD COLUMN callback_due_until timestamptz,
  ADD COLUMN callback_at timestamptz;

CREATE FUNCTION whistle_callback_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.callback_due_until := CASE WHEN NEW.status IN ('resolved', 'closed') THEN (NEW.rules ->> 'callbackUntil')::timestamptz END;
  NEW.callback_at := (NEW.view -> 'callback' ->> 'at')::timestamptz;
  RETURN NEW;
END $$;
CREATE TRIGGER whistles_callback_columns BEFORE INSERT OR UPDATE OF view, rules, status ON whistles
  FOR EACH ROW EXECUTE FUNCTION whistle_callback_columns();

-- The callbacks due, by the end of their window: built CONCURRENTLY right after this migration
-- (lib/backfills.ts, `whistles_callback_due_idx`), so no projection waits for the build.
INSERT INTO schema_backfills (name) VALUES ('whistles_callback_due_idx') ON CONFLICT (name) DO NOTHING;

-- Down Migration
DROP INDEX IF EXISTS whistles_callback_due_idx;
DELETE FROM schema_backfills WHERE name = 'whistles_callback_due_idx';
DROP TRIGGER whistles_callback_columns ON whistles;
DROP FUNCTION whistle_callback_columns();
ALTER TABLE whistles DROP COLUMN callback_due_until, DROP COLUMN callback_at;
