-- Up Migration

-- Per-notification delivery (activities/outbox.ts): each notification has its own attempts and
-- its own time of next attempt (exponential backoff), and is marked failed after
-- WEBHOOK_MAX_ATTEMPTS with its last error. A notification is
--   delivered  when delivered_at is set,
--   failed     when failed_at is set (until `npm run notifications -- retry` queues it again),
--   pending    otherwise: tried again from next_attempt_at on.
-- While an attempt is in flight, next_attempt_at holds the claim's lease: another round does not
-- take the row again before the lease ends (after a crash, it does: delivery is at least once).
ALTER TABLE notifications
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN failed_at timestamptz;

-- Pending rows that are due, oldest first: what a delivery round claims.
DROP INDEX IF EXISTS notifications_pending_idx;
CREATE INDEX notifications_pending_idx ON notifications (id) WHERE delivered_at IS NULL AND failed_at IS NULL;
-- Order among the notifications of one subject (a whistle, a help request): only the oldest
-- pending one of each subject may be sent; the others wait behind it.
CREATE INDEX notifications_subject_pending_idx ON notifications (subject_type, subject_id, id)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
-- What `retry` queues again, and the gauge of failed notifications.
CREATE INDEX notifications_failed_idx ON notifications (id) WHERE failed_at IS NOT NULL;

-- Down Migration
DROP INDEX notifications_failed_idx;
DROP INDEX notifications_subject_pending_idx;
DROP INDEX notifications_pending_idx;
CREATE INDEX notifications_pending_idx ON notifications (id) WHERE delivered_at IS NULL;
ALTER TABLE notifications DROP COLUMN failed_at, DROP COLUMN next_attempt_at;
