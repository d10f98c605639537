-- Up Migration

-- The audit log, tamper-evident (等保 2.0, 安全审计): every entry has a sequence number and a hash,
-- SHA-256 over the previous entry's hash followed by this entry's canonical JSON
--   {"seq":…,"at":"YYYY-MM-DDTHH:MM:SS.mmmZ","type":…,"actor":…,"subject":…,"note":…,"address":…}
-- (keys in this order, strings escaped as JSON does, absent values null), so changing, removing or
-- reordering an entry breaks every hash after it (lib/audit-chain.ts checks them again, in Node).
-- `address` is the client's address for API calls. The database refuses UPDATE, DELETE and
-- TRUNCATE; only the retention purge (lib/audit-chain.ts purgeAudit) removes entries older than
-- AUDIT_RETENTION_DAYS, oldest first, and records in `audit_anchor` the last removed entry's seq
-- and hash, from which the kept chain is checked.
ALTER TABLE audit_log
  ADD COLUMN seq bigint,
  ADD COLUMN hash text,
  ADD COLUMN address text;

CREATE FUNCTION audit_entry_text(seq bigint, at timestamptz, type text, actor text, subject text, note text, address text)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN '{"seq":' || seq::text
  || ',"at":' || to_json(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text
  || ',"type":' || to_json(type)::text
  || ',"actor":' || to_json(actor)::text
  || ',"subject":' || COALESCE(to_json(subject)::text, 'null')
  || ',"note":' || COALESCE(to_json(note)::text, 'null')
  || ',"address":' || COALESCE(to_json(address)::text, 'null')
  || '}';

CREATE FUNCTION audit_entry_hash(prev text, seq bigint, at timestamptz, type text, actor text, subject text, note text, address text)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
RETURN encode(sha256(convert_to(prev || audit_entry_text(seq, at, type, actor, subject, note, address), 'UTF8')), 'hex');

-- Where the kept chain starts: the seq and hash of the last entry the retention purge removed
-- (0 and 64 zeros while nothing was ever removed).
CREATE TABLE audit_anchor (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq       bigint NOT NULL,
  hash      text NOT NULL
);
INSERT INTO audit_anchor (seq, hash) VALUES (0, repeat('0', 64));

-- The entries on record get their chain, in the order they were written.
DO $$
DECLARE
  r record;
  prev text := repeat('0', 64);
  n bigint := 0;
  ms timestamptz;
BEGIN
  FOR r IN SELECT id, at, type, actor, subject, note FROM audit_log ORDER BY id LOOP
    n := n + 1;
    ms := date_trunc('milliseconds', r.at);
    prev := audit_entry_hash(prev, n, ms, r.type, r.actor, r.subject, r.note, NULL);
    UPDATE audit_log SET seq = n, at = ms, hash = prev WHERE id = r.id;
  END LOOP;
END $$;

ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
-- The time is the append's (below) unless the writer gives one.
ALTER TABLE audit_log ALTER COLUMN at DROP DEFAULT;
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq);

-- Appending: one writer at a time (a transaction-scoped advisory lock, held to its commit), so two
-- entries written at once never take the same predecessor and fork the chain. The entry's time,
-- unless its writer gives one, is taken under the lock, so times grow with seq; either way it is
-- kept to the millisecond, as the chain's JSON has it.
CREATE FUNCTION audit_log_append() RETURNS trigger AS $$
DECLARE
  prev_seq bigint;
  prev_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7426021);
  SELECT seq, hash INTO prev_seq, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    SELECT seq, hash INTO prev_seq, prev_hash FROM audit_anchor;
  END IF;
  NEW.seq := prev_seq + 1;
  NEW.at := date_trunc('milliseconds', COALESCE(NEW.at, clock_timestamp()));
  NEW.hash := audit_entry_hash(prev_hash, NEW.seq, NEW.at, NEW.type, NEW.actor, NEW.subject, NEW.note, NEW.address);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql VOLATILE;
CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append();

-- Append-only: an UPDATE is always refused; a DELETE only inside the retention purge's
-- transaction, which sets `whistle.audit_purge_before` (SET LOCAL) to its cutoff, and only for
-- entries older than that cutoff.
CREATE FUNCTION audit_log_guard() RETURNS trigger AS $$
DECLARE
  before_text text := current_setting('whistle.audit_purge_before', true);
BEGIN
  IF TG_OP = 'DELETE' AND COALESCE(before_text, '') <> '' AND OLD.at < before_text::timestamptz THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = '42501';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

CREATE FUNCTION audit_log_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = '42501';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- The anchor moves only forward, and only inside the purge.
CREATE FUNCTION audit_anchor_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND COALESCE(current_setting('whistle.audit_purge_before', true), '') <> '' AND NEW.seq > OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit anchor moves only with the retention purge: % refused', TG_OP USING ERRCODE = '42501';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_anchor_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_anchor FOR EACH ROW EXECUTE FUNCTION audit_anchor_guard();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- Down Migration
DROP TRIGGER audit_anchor_no_truncate ON audit_anchor;
DROP TRIGGER audit_anchor_guard ON audit_anchor;
DROP FUNCTION audit_anchor_guard();
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_guard ON audit_log;
DROP TRIGGER audit_log_append ON audit_log;
DROP FUNCTION audit_log_refuse();
DROP FUNCTION audit_log_guard();
DROP FUNCTION audit_log_append();
DROP TABLE audit_anchor;
DROP INDEX audit_log_seq_idx;
ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT now();
DROP FUNCTION audit_entry_hash(text, bigint, timestamptz, text, text, text, text, text);
DROP FUNCTION audit_entry_text(bigint, timestamptz, text, text, text, text, text);
ALTER TABLE audit_log DROP COLUMN address, DROP COLUMN hash, DROP COLUMN seq;
