-- Up Migration

-- 定期验单, published: a quarter's assessment as it was computed when it was published, served
-- unchanged from then on (GET /v1/assessments?quarter=…; `&live=true` computes it again). The
-- whole answer is kept as JSON (`{ quarter, from, to, weights, items }`, items as computed), so a
-- column added to the assessment later appears in quarters published after it, and quarters
-- published before keep what they had. A quarter is published once: the primary key refuses a
-- second publication. Written with its audit entry (`assessment_published`) in one transaction.
CREATE TABLE published_assessments (
  quarter       text PRIMARY KEY CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
  published_at  timestamptz NOT NULL DEFAULT now(),
  published_by  text NOT NULL,   -- `system` (the Schedule) or `cli:<user>`
  assessment    jsonb NOT NULL
);

-- Down Migration
DROP TABLE published_assessments;
