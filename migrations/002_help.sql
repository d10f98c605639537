-- Up Migration

-- Read model of neighbour-help workflows (邻里搭把手), projected by activities. The workflow is
-- the source of truth; "version" grows with every transition so a late or retried projection
-- never goes backwards. No personal data beyond account ids.
CREATE TABLE help_requests (
  id              text PRIMARY KEY,
  version         integer NOT NULL,
  status          text NOT NULL,
  community_id    text NOT NULL,
  street_id       text NOT NULL,
  requester_id    text NOT NULL,
  claimer_id      text,
  claimer_role    text,
  posted_at       timestamptz NOT NULL,
  appointment_at  timestamptz,
  completed_at    timestamptz,
  closed_at       timestamptz,
  rating          smallint,
  view            jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX help_requests_posted_idx ON help_requests (posted_at DESC, id DESC);
CREATE INDEX help_requests_status_idx ON help_requests (status, posted_at DESC, id DESC);
CREATE INDEX help_requests_community_idx ON help_requests (community_id, posted_at DESC, id DESC);
CREATE INDEX help_requests_claimer_idx ON help_requests (claimer_id, posted_at DESC, id DESC);
CREATE INDEX help_requests_requester_idx ON help_requests (requester_id, posted_at DESC, id DESC);

-- Every timeline entry of every help request, one row each (idempotent on (help_id, seq)), with
-- the account it is about: the source of members' records (services done, no-shows, ratings).
CREATE TABLE help_events (
  help_id     text NOT NULL,
  seq         integer NOT NULL,
  at          timestamptz NOT NULL,
  type        text NOT NULL,
  actor       text NOT NULL,
  subject_id  text,
  unit_id     text,
  note        text,
  data        jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (help_id, seq)
);
CREATE INDEX help_events_subject_idx ON help_events (subject_id, type, at DESC);

-- Down Migration
DROP TABLE help_events;
DROP TABLE help_requests;
