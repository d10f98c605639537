-- Up Migration

-- 智能分派 (suggestions from the text): the trained models, one row per version, the newest active
-- one answering POST /v1/suggest in every API process alike. `params` is the model
-- (lib/suggest/train.ts: vocabulary, idf, naive Bayes masses, what history chose per category) as
-- gzip-compressed JSON; `documents` says what it learned from. Written by `retrain`
-- (lib/suggest/retrain.ts), which keeps the latest few versions.
CREATE TABLE suggestion_models (
  version     bigserial PRIMARY KEY,
  trained_at  timestamptz NOT NULL DEFAULT now(),
  trained_by  text NOT NULL,
  documents   jsonb NOT NULL,
  params      bytea NOT NULL,
  active      boolean NOT NULL DEFAULT true
);

-- The suggestion made for each whistle when it was filed (the model active then, the text as filed):
-- what /v1/stats compares with what was finally chosen — the whistle's category, and the lead of its
-- final dispatch (its latest `triaged` entry).
CREATE TABLE suggestions_made (
  whistle_id     text PRIMARY KEY,
  model_version  bigint NOT NULL,
  categories     text[] NOT NULL,
  departments    text[] NOT NULL,
  list           text NOT NULL,
  made_at        timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE suggestions_made;
DROP TABLE suggestion_models;
