-- Up Migration

-- 高频诉求 (recurring matters, GET /v1/insights/recurring): the whistles filed in a period and in the
-- period before it, grouped by place (compound, community or street) and category, duplicates
-- counted through `reports`, merged whistles left out. Its index holds every column the query
-- reads, for the whistles that are not merged, in filing order: an index-only scan of the two
-- periods' entries, so the time depends on the whistles of those periods, not on the table's
-- size (bench/recurring.ts). Built CONCURRENTLY right after this migration (lib/backfills.ts,
-- `whistles_recurring_idx`), like 010's and 011's, so no projection waits for the build.
INSERT INTO schema_backfills (name) VALUES ('whistles_recurring_idx') ON CONFLICT (name) DO NOTHING;

-- Down Migration
DROP INDEX IF EXISTS whistles_recurring_idx;
DELETE FROM schema_backfills WHERE name = 'whistles_recurring_idx';
