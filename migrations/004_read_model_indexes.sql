-- Up Migration

-- GET /v1/whistles?status=…&streetId=… (the center's and supervisors' filtered list) and a street
-- office's own list by status (WHERE street_id = … AND status = … ORDER BY filed_at DESC, id DESC):
-- one index range in page order. With only (status, …) and (street_id, …) PostgreSQL either walks
-- one of them skipping rows of other streets/statuses, or combines both and sorts every match, and
-- that work grows with the table (bench/read-model.ts; figures in docs/PERFORMANCE.md).
CREATE INDEX whistles_street_status_idx ON whistles (street_id, status, filed_at DESC, id DESC);

-- Down Migration
DROP INDEX whistles_street_status_idx;
