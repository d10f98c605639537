-- Up Migration

-- Personal data retention: the reporter's name and phone are erased `retention.reporterDays`
-- calendar days after the whistle is closed or withdrawn, or — for a whistle merged into another
-- (status `merged`, `duplicate_of` naming the original) — after its original is. The daily sweep
-- (workflow `reporterRetention`, a Temporal Schedule) deletes the `whistle_reporters` row and
-- clears `whistles.reporter_name`, and notes when in `reporter_erased_at` (the notice board then
-- shows `*`). The projection never writes `reporter_name` on an existing row, so an erasure sticks.

-- The lead's migration 010 adds `duplicate_of` too; whichever runs first creates it.
ALTER TABLE whistles ADD COLUMN IF NOT EXISTS duplicate_of text;
ALTER TABLE whistles ADD COLUMN reporter_erased_at timestamptz;

-- The whistles that still hold a name, what the sweep looks at, have an index built CONCURRENTLY
-- right after this migration (lib/backfills.ts), not here under a lock on every whistle (16.4 s at
-- 4 million); until 2026-12 it was a CREATE INDEX statement here. The queue is 006's.
INSERT INTO schema_backfills (name) VALUES ('whistles_reporter_kept_idx') ON CONFLICT (name) DO NOTHING;

-- Down Migration
DROP INDEX IF EXISTS whistles_reporter_kept_idx;
DELETE FROM schema_backfills WHERE name = 'whistles_reporter_kept_idx';
ALTER TABLE whistles DROP COLUMN reporter_erased_at;
