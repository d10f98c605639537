-- Up Migration

-- Passwords and the account lifecycle (账号管理). `password_hash` is an scrypt hash in PHC form
-- (`$scrypt$ln=…,r=…,p=…$salt$hash`), null until `npm run accounts -- set-password`; a disabled
-- account (`disabled_at` set) has no working key or session until `enable`.
ALTER TABLE accounts
  ADD COLUMN password_hash text,
  ADD COLUMN password_set_at timestamptz,
  ADD COLUMN disabled_at timestamptz;

-- Console sessions (登录会话): the token itself is never stored, only HMAC-SHA256(pepper, token),
-- like API keys. `ended_at` is set by sign-out and by disabling the account; an ended session
-- never comes back (not even when the account is enabled again).
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  ended_at    timestamptz
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Every API process caches credentials for a few seconds; a change to an account (key rotated,
-- disabled, enabled, password set) or a session (ended) tells them at commit, on the channel
-- `whistle_credentials` with the account id, so they forget what they cached at once. Done by a
-- trigger, so a change made by hand in SQL is announced as well. Its argument names the column
-- that holds the account id.
CREATE FUNCTION whistle_credentials_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('whistle_credentials', to_jsonb(OLD) ->> TG_ARGV[0]);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_credentials_changed AFTER UPDATE OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION whistle_credentials_changed('id');
-- Only a session still alive is announced (clearing out expired rows tells no one).
CREATE TRIGGER sessions_credentials_changed AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW WHEN (OLD.ended_at IS NULL AND OLD.expires_at > now())
  EXECUTE FUNCTION whistle_credentials_changed('account_id');

-- Down Migration
DROP TRIGGER sessions_credentials_changed ON sessions;
DROP TRIGGER accounts_credentials_changed ON accounts;
DROP FUNCTION whistle_credentials_changed();
DROP TABLE sessions;
ALTER TABLE accounts DROP COLUMN disabled_at, DROP COLUMN password_set_at, DROP COLUMN password_hash;
