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

-- The whistles that still hold a name: what the sweep looks at (small: at most the whistles of
-- the retention period), never the whole table.
CREATE INDEX whistles_reporter_kept_idx ON whistles (id) WHERE reporter_name IS NOT NULL;

-- Down Migration
DROP INDEX whistles_reporter_kept_idx;
ALTER TABLE whistles DROP COLUMN reporter_erased_at;
