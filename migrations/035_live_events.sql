-- Up Migration

-- Live updates (GET /v1/events): a short journal of what changed in the read model, written by
-- triggers in the transaction of the change. Every API process reads it (one LISTEN connection
-- and a read of what is new every 250 ms) and fans the rows out to its open streams, each
-- filtered by the caller's visibility; a client that reconnects with Last-Event-ID is replayed
-- from here. The API prunes rows older than five minutes (always keeping the newest, so that a
-- resume after a quiet spell is still told apart from one after pruning).
--
-- Announced (pg_notify on `whistle_live` with the journal id, heard at commit) only by a
-- transaction that does not wait for the disk: the API's own writes of a filing and an action's
-- answer (whistle_project with durable false), so that the clerk's colleagues hear of an action
-- within milliseconds. A transaction that notifies takes a lock at commit that every other
-- notifying commit waits for, its flush to disk included: with 8 concurrent durable writers
-- (the worker's projections) notifying cut the updates from about 1,400 to 300 a second on the
-- development machine, against about 2,500–2,900 (from 5,400–6,200) without the wait for the disk.
-- The durable writes (deadlines, the worker's projections, help requests, notifications) are
-- read by the 250 ms read instead.
--
-- `facts` carries what the visibility rules read and the event carries, so that fanning a change
-- out costs no query: for a whistle its status, holder, version and the organisations that may see
-- it (street, filing organisation, community, departments ever dispatched, the whistles merged
-- into it); for a help request its status, claimer and version; for a notification its kind,
-- subject and recipient.
CREATE TABLE live_events (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  kind        text NOT NULL CHECK (kind IN ('whistle', 'help', 'notification')),
  subject_id  text NOT NULL,
  facts       jsonb NOT NULL
);

-- Kept cheap: one row built from the new row's columns. A whistle is announced when
-- it is filed and whenever its version, status or holder moves (a projection that writes the same
-- version again, a backfill, the place columns: nothing to announce).
CREATE FUNCTION live_whistle_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_id bigint;
BEGIN
  INSERT INTO live_events (kind, subject_id, facts)
  VALUES ('whistle', NEW.id, jsonb_build_object(
    'status', NEW.status, 'holder', NEW.holder, 'version', NEW.version,
    'streetId', NEW.street_id, 'filerOrgId', NEW.filer_org_id, 'communityId', NEW.community_id,
    'seenByDepartments', to_jsonb(NEW.seen_by_departments), 'merged', coalesce(NEW.rules -> 'merged', '[]'::jsonb)))
  RETURNING id INTO event_id;
  IF current_setting('synchronous_commit') = 'off' THEN
    PERFORM pg_notify('whistle_live', event_id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER whistles_live_insert AFTER INSERT ON whistles
  FOR EACH ROW EXECUTE FUNCTION live_whistle_changed();
CREATE TRIGGER whistles_live_update AFTER UPDATE ON whistles
  FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version OR OLD.status IS DISTINCT FROM NEW.status
                     OR OLD.holder IS DISTINCT FROM NEW.holder)
  EXECUTE FUNCTION live_whistle_changed();

CREATE FUNCTION live_help_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_id bigint;
BEGIN
  INSERT INTO live_events (kind, subject_id, facts)
  VALUES ('help', NEW.id, jsonb_build_object(
    'status', NEW.status, 'holder', NEW.claimer_id, 'version', NEW.version,
    'communityId', NEW.community_id, 'streetId', NEW.street_id, 'requesterId', NEW.requester_id))
  RETURNING id INTO event_id;
  IF current_setting('synchronous_commit') = 'off' THEN
    PERFORM pg_notify('whistle_live', event_id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER help_requests_live_insert AFTER INSERT ON help_requests
  FOR EACH ROW EXECUTE FUNCTION live_help_changed();
CREATE TRIGGER help_requests_live_update AFTER UPDATE ON help_requests
  FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION live_help_changed();

-- A notification is announced once, when it is put in the outbox (its deliveries are not news to
-- its reader). The recipient account is read by name from the row, so that a column naming one
-- (residents and members get their own) needs no change here.
CREATE FUNCTION live_notification_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_id bigint;
BEGIN
  INSERT INTO live_events (kind, subject_id, facts)
  VALUES ('notification', NEW.id::text, jsonb_build_object(
    'kind', NEW.kind, 'subjectType', NEW.subject_type, 'subjectId', NEW.subject_id,
    'recipientOrgId', NEW.recipient_org_id, 'recipientAccountId', to_jsonb(NEW) ->> 'recipient_account_id'))
  RETURNING id INTO event_id;
  IF current_setting('synchronous_commit') = 'off' THEN
    PERFORM pg_notify('whistle_live', event_id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER notifications_live_insert AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION live_notification_added();

-- Down Migration
DROP TRIGGER notifications_live_insert ON notifications;
DROP FUNCTION live_notification_added();
DROP TRIGGER help_requests_live_update ON help_requests;
DROP TRIGGER help_requests_live_insert ON help_requests;
DROP FUNCTION live_help_changed();
DROP TRIGGER whistles_live_update ON whistles;
DROP TRIGGER whistles_live_insert ON whistles;
DROP FUNCTION live_whistle_changed();
DROP TABLE live_events;
