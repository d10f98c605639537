-- Up Migration

-- The list of whistles (GET /v1/whistles) shows exactly what canSee allows: its condition
-- (visibleToCondition, generated beside canSee) names every fact that lets a community-role
-- account see a whistle. Indexes for the facts that had none, so a community's, a compound's or a
-- grid's list can be answered from indexes (a BitmapOr with the filer and community indexes), not
-- only by a walk over the whistles in filing order. Built CONCURRENTLY right after this migration
-- (lib/backfills.ts), so projections keep writing while they are built.
--
-- 重复件合并: the filing organisation and community of a whistle merged into another may view the
-- original and find it in their list; read from `rules -> 'merged'`, for the whistles that had
-- others merged in only.
INSERT INTO schema_backfills (name) VALUES ('whistles_merged_viewers_idx') ON CONFLICT (name) DO NOTHING;

-- The same condition lets a compound's (小区) and a grid's (网格) accounts see the whistles of their
-- place (`compound_id`, `view -> 'location' ->> 'grid'`): their indexes, built the same way.
INSERT INTO schema_backfills (name) VALUES ('whistles_compound_list_idx'), ('whistles_grid_list_idx') ON CONFLICT (name) DO NOTHING;

-- Down Migration
DROP INDEX IF EXISTS whistles_grid_list_idx;
DROP INDEX IF EXISTS whistles_compound_list_idx;
DROP INDEX IF EXISTS whistles_merged_viewers_idx;
DELETE FROM schema_backfills WHERE name IN ('whistles_merged_viewers_idx', 'whistles_compound_list_idx', 'whistles_grid_list_idx');
