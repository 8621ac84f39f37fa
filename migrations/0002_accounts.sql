-- Up Migration

-- Passwords, reset tokens and external auth tokens: all hang off users (uid) and go with them
-- (ON DELETE CASCADE), so a deleted user's password, reset tokens and external tokens stop resolving
-- in the statement that deletes the user.

-- One password hash per user: a self-describing PHC-style string (lib/secrets.ts), never the password.
CREATE TABLE user_passwords (
  uid integer PRIMARY KEY REFERENCES users (uid) ON DELETE CASCADE,
  hash text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Password reset tokens, by the SHA-256 (hex) of the token given out: the token itself is not kept.
-- Single use: reset() deletes the row in the statement that sets the password.
CREATE TABLE password_reset_tokens (
  token_hash text PRIMARY KEY COLLATE "C" CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  uid integer NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
-- The user's tokens: the cascade on user delete, and the purge of a user's expired tokens.
CREATE INDEX password_reset_tokens_uid_idx ON password_reset_tokens (uid, expires_at);

-- Tokens of external services (e.g. GitHub) per (user, host, client ID). The token is a credential the
-- contract returns, so it is stored as given.
CREATE TABLE external_tokens (
  uid integer NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
  host text NOT NULL COLLATE "C",
  client_id text NOT NULL COLLATE "C",
  token text NOT NULL,
  scope text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (uid, host, client_id)
);

-- Down Migration

DROP TABLE external_tokens;
DROP INDEX password_reset_tokens_uid_idx;
DROP TABLE password_reset_tokens;
DROP TABLE user_passwords;
