-- Up Migration

-- 未诉先办 (proactive rounds): the center's recurring inspections. Each round is a Temporal Schedule
-- `proactive-<id>` (lib/proactive/schedules.ts) that at each time files one whistle per community.
-- The round's definition lives here; the Schedule holds its times and whether it is paused.
CREATE TABLE proactive_rounds (
  id                  text PRIMARY KEY,
  title               text NOT NULL,
  description         text NOT NULL,
  category            text NOT NULL,
  community_ids       text[] NOT NULL,
  list                text NOT NULL,
  department_ids      text[] NOT NULL,
  lead_department_id  text NOT NULL,
  schedule            jsonb NOT NULL,         -- { everyDays, anchor } or { calendar: [{ month?, dayOfMonth, hour? }] }
  paused              boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          text NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  updated_by          text NOT NULL
);

-- What each run filed: one whistle per (round, occurrence, community). The whistle's id is derived
-- from the same three (lib/proactive/filing-port.ts), so a retried run meets the same workflow; this
-- table is the record the center reads back (which whistles a round's occurrence filed).
CREATE TABLE proactive_filings (
  round_id      text NOT NULL,
  occurrence    text NOT NULL,                -- the Schedule's scheduled time of the run (ISO 8601, UTC)
  community_id  text NOT NULL,
  whistle_id    text NOT NULL,
  filed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (round_id, occurrence, community_id)
);

-- Down Migration
DROP TABLE proactive_filings;
DROP TABLE proactive_rounds;
