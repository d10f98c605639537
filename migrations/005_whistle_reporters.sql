-- Up Migration

-- The resident behind a whistle (反映人): kept here, not in the workflow's history, so the phone
-- never reaches Temporal. Only the feedback (反馈) delivered to the webhook carries it.
CREATE TABLE whistle_reporters (
  whistle_id  text PRIMARY KEY,
  name        text NOT NULL,
  phone       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE whistle_reporters;
