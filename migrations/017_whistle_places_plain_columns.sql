-- Up Migration

-- 重复件's place columns (011) as every database now has them: plain columns kept by the trigger
-- `whistles_place_columns`. A database that ran 011 when it added STORED generated columns turns
-- them into plain ones (DROP EXPRESSION keeps the values and only changes the catalogue: no
-- rewrite) and gets the trigger; one that ran today's 011 has both already, and nothing changes.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute
              WHERE attrelid = 'whistles'::regclass AND attname = 'lat' AND attgenerated = 's') THEN
    ALTER TABLE whistles
      ALTER COLUMN compound_id DROP EXPRESSION,
      ALTER COLUMN lat DROP EXPRESSION,
      ALTER COLUMN lng DROP EXPRESSION;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION whistle_place_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  place jsonb := NEW.view -> 'location';  -- the view read once: it is often stored out of line (TOAST)
BEGIN
  NEW.compound_id := place ->> 'compoundId';
  NEW.lat := CASE WHEN jsonb_typeof(place -> 'lat') = 'number' THEN (place ->> 'lat')::double precision END;
  NEW.lng := CASE WHEN jsonb_typeof(place -> 'lng') = 'number' THEN (place ->> 'lng')::double precision END;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER whistles_place_columns BEFORE INSERT OR UPDATE OF view ON whistles
  FOR EACH ROW EXECUTE FUNCTION whistle_place_columns();

-- Down Migration
-- Nothing to undo: the columns, their values and the trigger are what 011 gives a new database.
SELECT 1;
