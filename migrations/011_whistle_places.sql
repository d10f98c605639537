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
-- columns are derived from it by a trigger on every write of the view, so the projection does not
-- change. A value that is not a JSON number is no coordinate (NULL), never a failed projection.
-- Plain columns, not STORED generated ones: adding a generated column rewrites the whole table
-- under an exclusive lock (73 s at 1 million whistles, about 12 minutes at 10 million: the service
-- stopped meanwhile), adding a plain one only changes the catalogue. The rows already on record get
-- their values from a backfill in batches right after this migration (lib/backfills.ts,
-- `whistle_places`). Databases that ran this migration when it added generated columns are brought
-- to the same shape by 017.
ALTER TABLE whistles
  ADD COLUMN compound_id text,
  ADD COLUMN lat double precision,
  ADD COLUMN lng double precision;

CREATE FUNCTION whistle_place_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  place jsonb := NEW.view -> 'location';  -- the view read once: it is often stored out of line (TOAST)
BEGIN
  NEW.compound_id := place ->> 'compoundId';
  NEW.lat := CASE WHEN jsonb_typeof(place -> 'lat') = 'number' THEN (place ->> 'lat')::double precision END;
  NEW.lng := CASE WHEN jsonb_typeof(place -> 'lng') = 'number' THEN (place ->> 'lng')::double precision END;
  RETURN NEW;
END $$;
CREATE TRIGGER whistles_place_columns BEFORE INSERT OR UPDATE OF view ON whistles
  FOR EACH ROW EXECUTE FUNCTION whistle_place_columns();

-- The queue is 006's (and 010's, for databases that ran 006 before it had one).
INSERT INTO schema_backfills (name) VALUES ('whistle_places') ON CONFLICT (name) DO NOTHING;

-- Its indexes for finding possible duplicates (open whistles only, by place and by compound) are
-- built CONCURRENTLY after the backfill (lib/backfills.ts), not here under a lock on every
-- whistle; until 2026-12 they were CREATE INDEX statements here.
INSERT INTO schema_backfills (name) VALUES ('whistles_open_place_idx'), ('whistles_open_compound_idx')
ON CONFLICT (name) DO NOTHING;

-- Down Migration
DROP INDEX IF EXISTS whistles_open_compound_idx;
DROP INDEX IF EXISTS whistles_open_place_idx;
DELETE FROM schema_backfills WHERE name IN ('whistle_places', 'whistles_open_place_idx', 'whistles_open_compound_idx');
DROP TRIGGER whistles_place_columns ON whistles;
DROP FUNCTION whistle_place_columns();
ALTER TABLE whistles DROP COLUMN lng, DROP COLUMN lat, DROP COLUMN compound_id;
DROP FUNCTION whistle_place(double precision, double precision);
