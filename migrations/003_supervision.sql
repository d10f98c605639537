-- Up Migration

-- 公示栏: a community's resolved and closed whistles, newest resolution first
-- (GET /v1/communities/:id/board and /board/:communityId page through this order).
CREATE INDEX whistles_board_idx ON whistles (community_id, (COALESCE(resolved_at, filed_at)) DESC, id DESC)
  WHERE status IN ('resolved', 'closed');

-- GET /v1/notifications: one recipient's notifications, newest first.
CREATE INDEX notifications_recipient_id_idx ON notifications (recipient_org_id, id DESC);

-- The outbox delivery claims what is not delivered yet, oldest first.
CREATE INDEX notifications_pending_idx ON notifications (id) WHERE delivered_at IS NULL;

-- 验单: the receipts of a quarter are `filed` and `triaged` events by time (whistle_events_type_idx);
-- what each unit did with them is read per whistle along its primary key (whistle_id, seq).

-- Down Migration
DROP INDEX notifications_pending_idx;
DROP INDEX notifications_recipient_id_idx;
DROP INDEX whistles_board_idx;
