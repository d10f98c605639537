-- Up Migration

-- Years whose whole official schedule (国务院办公厅节假日安排) an operator imported: with the
-- years of the chinese-days package they give the calendar's coverage (`coveredThrough` in
-- GET /readyz). A year is listed here when an import file says it gives that year's schedule
-- (see docs/OPERATIONS.md, section 6); a file that only corrects days adds no year.
CREATE TABLE calendar_years (
  year         integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
  note         text NOT NULL DEFAULT '',
  imported_at  timestamptz NOT NULL DEFAULT now()
);

-- Each import that turns a working day into a day off or back: the days it changed, written in
-- the same transaction as the days themselves. The change reaches running whistles and help
-- requests through the workflow `calendar-change-<change_id>`; `started_at` is set once it is
-- started, so a command that died in between (or the worker at its next start) starts it then.
CREATE TABLE calendar_changes (
  id          bigserial PRIMARY KEY,
  change_id   text NOT NULL UNIQUE,
  at          timestamptz NOT NULL DEFAULT now(),
  days        jsonb NOT NULL,   -- [{ "day": "2027-02-08", "working": false, "was": true }, ...]
  source      text NOT NULL DEFAULT '',
  started_at  timestamptz
);
CREATE INDEX calendar_changes_pending_idx ON calendar_changes (id) WHERE started_at IS NULL;

-- Down Migration
DROP TABLE calendar_changes;
DROP TABLE calendar_years;
