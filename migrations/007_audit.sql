-- Up Migration

-- The audit log of administrative events (账号、密钥、日历、派单目录、通知重发、验单发布), newest first
-- in GET /v1/audit. Each row is written in the same transaction as the change it records. It never
-- holds a key, a password, a session token or a phone: `note` is a sentence for people.
CREATE TABLE audit_log (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  type     text NOT NULL,
  actor    text NOT NULL,   -- an account id, `cli:<user>` for commands, `system` for Schedules
  subject  text,            -- what it is about: an account id, a category, a quarter, a notification id …
  note     text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);

-- Down Migration
DROP TABLE audit_log;
