-- Up Migration

-- The organisation tree: district center, supervision office, streets/towns (镇街),
-- communities (社区), compounds (小区) and functional departments (职能部门).
CREATE TABLE orgs (
  id         text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('center', 'supervision', 'street', 'community', 'compound', 'department')),
  name       text NOT NULL,
  parent_id  text REFERENCES orgs (id)
);
CREATE INDEX orgs_parent_idx ON orgs (parent_id);

-- Accounts (专属账号): one key each, stored as an HMAC-SHA256 hash only.
CREATE TABLE accounts (
  id          text PRIMARY KEY,
  role        text NOT NULL CHECK (role IN ('community', 'street', 'center', 'department', 'supervisor', 'member', 'resident')),
  org_id      text NOT NULL REFERENCES orgs (id),
  name        text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_org_idx ON accounts (org_id);

-- Working-day calendar overrides: operators add a year's official schedule here
-- (holidays and 调休 make-up working days); days not listed fall back to the packaged calendar.
CREATE TABLE calendar_days (
  day         date PRIMARY KEY,
  working     boolean NOT NULL,
  note        text NOT NULL DEFAULT '',
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Read model of whistle workflows, projected by activities. The workflow is the source of truth;
-- "version" grows with every transition so that a late or retried projection never goes backwards.
CREATE TABLE whistles (
  id              text PRIMARY KEY,
  version         integer NOT NULL,
  status          text NOT NULL,
  list            text,
  category        text NOT NULL,
  urgent          boolean NOT NULL DEFAULT false,
  filer_org_id    text NOT NULL,
  community_id    text NOT NULL,
  street_id       text NOT NULL,
  holder          text,
  department_ids  text[] NOT NULL DEFAULT '{}',
  seen_by_departments text[] NOT NULL DEFAULT '{}',
  due_at          timestamptz,
  overdue         boolean NOT NULL DEFAULT false,
  filed_at        timestamptz NOT NULL,
  resolved_at     timestamptz,
  closed_at       timestamptz,
  rating          text,
  -- Only the reporter's name is kept here (masked on public pages); the phone never is.
  reporter_name   text,
  view            jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whistles_filed_idx ON whistles (filed_at DESC, id DESC);
CREATE INDEX whistles_status_idx ON whistles (status, filed_at DESC, id DESC);
CREATE INDEX whistles_street_idx ON whistles (street_id, filed_at DESC, id DESC);
CREATE INDEX whistles_community_idx ON whistles (community_id, filed_at DESC, id DESC);
CREATE INDEX whistles_filer_idx ON whistles (filer_org_id, filed_at DESC, id DESC);
CREATE INDEX whistles_departments_idx ON whistles USING gin (seen_by_departments);

-- Every timeline entry of every whistle, one row each (idempotent on (whistle_id, seq)),
-- with the unit it concerns: the source of assessments (验单) and statistics.
CREATE TABLE whistle_events (
  whistle_id  text NOT NULL,
  seq         integer NOT NULL,
  at          timestamptz NOT NULL,
  type        text NOT NULL,
  actor       text NOT NULL,
  unit_id     text,
  note        text,
  data        jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (whistle_id, seq)
);
CREATE INDEX whistle_events_unit_idx ON whistle_events (unit_id, at);
CREATE INDEX whistle_events_type_idx ON whistle_events (type, at);

-- Outbox of notifications; event_key makes each one unique per recipient so a retried
-- activity never sends it twice.
CREATE TABLE notifications (
  id                bigserial PRIMARY KEY,
  event_key         text NOT NULL,
  recipient_org_id  text NOT NULL,
  kind              text NOT NULL,
  subject_type      text NOT NULL,
  subject_id        text NOT NULL,
  message           text NOT NULL,
  data              jsonb NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL DEFAULT now(),
  delivered_at      timestamptz,
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text,
  UNIQUE (event_key, recipient_org_id)
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_org_id, created_at DESC);

-- Down Migration
DROP TABLE notifications;
DROP TABLE whistle_events;
DROP TABLE whistles;
DROP TABLE calendar_days;
DROP TABLE accounts;
DROP TABLE orgs;
