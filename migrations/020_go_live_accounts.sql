-- Up Migration

-- A district sets itself up (上线) and passes its security review (等保 2.0).

-- Grids (网格), the finest unit, under a community; a unit can be deactivated (its history stays,
-- its accounts can no longer sign in or use keys).
ALTER TABLE orgs DROP CONSTRAINT IF EXISTS orgs_kind_check;
ALTER TABLE orgs ADD CONSTRAINT orgs_kind_check
  CHECK (kind IN ('center', 'supervision', 'street', 'community', 'compound', 'grid', 'department'));
ALTER TABLE orgs ADD COLUMN active boolean NOT NULL DEFAULT true;

-- The three administrators of 三员分立: system (admin), security and audit (auditor).
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
  CHECK (role IN ('community', 'street', 'center', 'department', 'supervisor', 'member', 'resident', 'admin', 'security', 'auditor'));
-- `must_change_password`: the password is an initial one (made by an administrator), to be
-- changed at the first sign-in. `last_sign_in_at`: the latest successful sign-in.
ALTER TABLE accounts
  ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
  ADD COLUMN last_sign_in_at timestamptz;

-- The hashes of an account's latest passwords (the current one included): a new password may be
-- none of the last 5. Only the newest 5 are kept.
CREATE TABLE password_history (
  id             bigserial PRIMARY KEY,
  account_id     text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  password_hash  text NOT NULL,
  set_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_account_idx ON password_history (account_id, id DESC);

-- Sessions: when last used (idle timeout; written at most every few seconds, see
-- api/services/session-activity.ts), whether the password must be changed before anything else,
-- whether it was opened with the account's key as password (a development account: rotating the
-- key ends it), and the address it was opened from.
ALTER TABLE sessions
  ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
  ADD COLUMN via_key boolean NOT NULL DEFAULT false,
  ADD COLUMN address text;

-- Cached credentials are forgotten only on changes that matter to them: not on a sign-in's
-- last_sign_in_at nor on a session's last_seen_at (written while people work; each would clear
-- every process's cache).
DROP TRIGGER accounts_credentials_changed ON accounts;
CREATE TRIGGER accounts_credentials_changed AFTER UPDATE ON accounts
  FOR EACH ROW WHEN (OLD.key_hash IS DISTINCT FROM NEW.key_hash OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at
    OR OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.role IS DISTINCT FROM NEW.role
    OR OLD.org_id IS DISTINCT FROM NEW.org_id OR OLD.name IS DISTINCT FROM NEW.name
    OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password)
  EXECUTE FUNCTION whistle_credentials_changed('id');
CREATE TRIGGER accounts_credentials_deleted AFTER DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION whistle_credentials_changed('id');
DROP TRIGGER sessions_credentials_changed ON sessions;
CREATE TRIGGER sessions_credentials_changed AFTER UPDATE ON sessions
  FOR EACH ROW WHEN (OLD.ended_at IS NULL AND OLD.expires_at > now()
    AND (NEW.ended_at IS NOT NULL OR NEW.must_change_password IS DISTINCT FROM OLD.must_change_password))
  EXECUTE FUNCTION whistle_credentials_changed('account_id');
CREATE TRIGGER sessions_credentials_deleted AFTER DELETE ON sessions
  FOR EACH ROW WHEN (OLD.ended_at IS NULL AND OLD.expires_at > now())
  EXECUTE FUNCTION whistle_credentials_changed('account_id');

-- A unit deactivated (or back) shuts out (or lets in) its accounts, and an imported tree changes
-- what the API checks filings against: every process forgets what it cached.
CREATE FUNCTION whistle_orgs_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('whistle_credentials', 'orgs');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orgs_changed AFTER INSERT OR UPDATE OR DELETE ON orgs
  FOR EACH STATEMENT EXECUTE FUNCTION whistle_orgs_changed();

-- Sign-in records (登录记录) for the security administrator: every attempt, its address and outcome.
CREATE TABLE sign_ins (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  account_id  text NOT NULL,
  address     text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('ok', 'wrong', 'throttled', 'disabled'))
);
CREATE INDEX sign_ins_at_idx ON sign_ins (at DESC, id DESC);
CREATE INDEX sign_ins_account_idx ON sign_ins (account_id, at DESC, id DESC);

-- Notifications to one person (a resident's or party member's own help requests) name the
-- account; the others go to every account of the unit. recipient_org_id stays the unit.
ALTER TABLE notifications ADD COLUMN recipient_account_id text;

-- Idempotency fingerprints are HMAC-SHA256 with the server's secret (a plain hash of a body with a
-- phone number in it can be found by trying every number), and expire: the fingerprint of a key
-- older than a day is erased (the key stays, refused as used). Rows written before are plain
-- SHA-256 (`keyed` false) until they expire.
ALTER TABLE idempotency_keys ALTER COLUMN fingerprint DROP NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN keyed boolean NOT NULL DEFAULT false;
ALTER TABLE idempotency_keys ALTER COLUMN keyed SET DEFAULT true;
CREATE INDEX idempotency_keys_live_idx ON idempotency_keys (created_at) WHERE fingerprint IS NOT NULL;

-- Down Migration
DROP INDEX idempotency_keys_live_idx;
DELETE FROM idempotency_keys WHERE fingerprint IS NULL;
ALTER TABLE idempotency_keys DROP COLUMN keyed;
ALTER TABLE idempotency_keys ALTER COLUMN fingerprint SET NOT NULL;
ALTER TABLE notifications DROP COLUMN recipient_account_id;
DROP TABLE sign_ins;
DROP TRIGGER orgs_changed ON orgs;
DROP FUNCTION whistle_orgs_changed();
DROP TRIGGER sessions_credentials_deleted ON sessions;
DROP TRIGGER sessions_credentials_changed ON sessions;
CREATE TRIGGER sessions_credentials_changed AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW WHEN (OLD.ended_at IS NULL AND OLD.expires_at > now())
  EXECUTE FUNCTION whistle_credentials_changed('account_id');
DROP TRIGGER accounts_credentials_deleted ON accounts;
DROP TRIGGER accounts_credentials_changed ON accounts;
CREATE TRIGGER accounts_credentials_changed AFTER UPDATE OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION whistle_credentials_changed('id');
ALTER TABLE sessions DROP COLUMN address, DROP COLUMN via_key, DROP COLUMN must_change_password, DROP COLUMN last_seen_at;
DROP TABLE password_history;
ALTER TABLE accounts DROP COLUMN last_sign_in_at, DROP COLUMN must_change_password;
DELETE FROM accounts WHERE role IN ('admin', 'security', 'auditor');
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
  CHECK (role IN ('community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'));
ALTER TABLE orgs DROP COLUMN active;
DELETE FROM accounts WHERE org_id IN (SELECT id FROM orgs WHERE kind = 'grid');
DELETE FROM orgs WHERE kind = 'grid';
ALTER TABLE orgs DROP CONSTRAINT orgs_kind_check;
ALTER TABLE orgs ADD CONSTRAINT orgs_kind_check
  CHECK (kind IN ('center', 'supervision', 'street', 'community', 'compound', 'department'));
