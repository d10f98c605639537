-- Up Migration

-- 重复件: where a whistle is, for finding possible duplicates (open whistles of the same street and
-- category, filed within duplicates.withinDays, in the same compound or within duplicates.radiusMeters).
--
-- Distance: the `cube` extension with its GiST index. A place is the point on the earth's surface as
-- a 3-D cube point (metres from the earth's centre, what earthdistance's ll_to_earth computes); the
-- straight-line (chord) distance between two such points differs from the great-circle distance by
-- less than a micrometre up to 1 km, and "within r metres" is a GiST search for the points inside the cube of half-side
-- r around the centre, then an exact check. `cube` and `btree_gist` are trusted extensions: the
-- database's owner creates them, no superuser needed (earthdistance is not trusted, and its functions
-- resolve `earth()` through search_path, which breaks its index expressions under pg_restore).
CREATE EXTENSION IF NOT EXISTS cube;
-- Lets one GiST index hold the street and category (equality) and the filing time (range) beside the
-- place, so the search narrows by all of them at once instead of by the place alone.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- WGS84 degrees → the point on a sphere of the earth's mean radius (6 371 008.8 m), in metres.
-- A SQL-standard body: names are bound when the function is created, not looked up at each call,
-- so the generated column and the index below restore and evaluate under any search_path.
CREATE FUNCTION whistle_place(lat double precision, lng double precision) RETURNS cube
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN cube(ARRAY[6371008.8 * cos(radians(lat)) * cos(radians(lng)),
                  6371008.8 * cos(radians(lat)) * sin(radians(lng)),
                  6371008.8 * sin(radians(lat))]);

-- The location lives in `view` (the projection writes the view as the workflow gives it); these
-- columns are derived from it by PostgreSQL on every write, so the projection does not change.
-- A value that is not a JSON number is no coordinate (NULL), never a failed projection.
ALTER TABLE whistles
  ADD COLUMN compound_id text GENERATED ALWAYS AS (view -> 'location' ->> 'compoundId') STORED,
  ADD COLUMN lat double precision GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(view -> 'location' -> 'lat') = 'number' THEN (view -> 'location' ->> 'lat')::double precision END) STORED,
  ADD COLUMN lng double precision GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(view -> 'location' -> 'lng') = 'number' THEN (view -> 'location' ->> 'lng')::double precision END) STORED;

-- Only open whistles are candidates, so only they are indexed: closed history never enters these
-- indexes, and their size follows the whistles in hand, not the years on record. The status list
-- is written exactly as api/services/duplicates.ts writes it, so the planner proves the predicate.
CREATE INDEX whistles_open_place_idx ON whistles
  USING gist (street_id, category, whistle_place(lat, lng), filed_at)
  WHERE status IN ('filed', 'street_handling', 'escalated', 'dispatched', 'department_handling')
    AND lat IS NOT NULL AND lng IS NOT NULL;
CREATE INDEX whistles_open_compound_idx ON whistles (compound_id, category, filed_at)
  WHERE status IN ('filed', 'street_handling', 'escalated', 'dispatched', 'department_handling')
    AND compound_id IS NOT NULL;

-- Down Migration
DROP INDEX whistles_open_compound_idx;
DROP INDEX whistles_open_place_idx;
ALTER TABLE whistles DROP COLUMN lng, DROP COLUMN lat, DROP COLUMN compound_id;
DROP FUNCTION whistle_place(double precision, double precision);
