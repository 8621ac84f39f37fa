-- Up Migration

-- sha256 of every applied migration file, recorded by `src pgsql create` (lib/migrate.ts): a file
-- changed after it ran is refused rather than trusted.
CREATE TABLE srcstore_migration_checksums (
  name text PRIMARY KEY,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Case-insensitive keys are compared in the "C" collation, so lower() folds ASCII only (logins are
-- ASCII) whatever the database's locale, and order is byte order, as on the fs backend. Keys that may
-- hold any Unicode (emails, repo URIs) carry a *_lower column lowered by the store, in code, so both
-- backends fold case identically.
CREATE TABLE users (
  uid integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login text NOT NULL COLLATE "C",
  name text NOT NULL DEFAULT '',
  avatar_url text NOT NULL DEFAULT '',
  location text NOT NULL DEFAULT '',
  company text NOT NULL DEFAULT '',
  homepage_url text NOT NULL DEFAULT '',
  admin boolean NOT NULL DEFAULT false,
  write boolean NOT NULL DEFAULT false,
  disabled boolean NOT NULL DEFAULT false,
  registered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_login_key ON users (lower(login));
CREATE INDEX users_registered_idx ON users (registered_at, uid);

CREATE TABLE user_emails (
  uid integer NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
  email text NOT NULL COLLATE "C",
  email_lower text NOT NULL COLLATE "C",
  verified boolean NOT NULL DEFAULT false,
  "primary" boolean NOT NULL DEFAULT false,
  PRIMARY KEY (uid, email_lower)
);
CREATE UNIQUE INDEX user_emails_email_key ON user_emails (email_lower);
CREATE UNIQUE INDEX user_emails_one_primary ON user_emails (uid) WHERE "primary";

CREATE TABLE repos (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uri text NOT NULL COLLATE "C",
  uri_lower text NOT NULL COLLATE "C",
  name text NOT NULL COLLATE "C",
  name_lower text NOT NULL COLLATE "C",
  description text NOT NULL DEFAULT '',
  language text NOT NULL DEFAULT '',
  language_lower text NOT NULL DEFAULT '' COLLATE "C",
  default_branch text NOT NULL DEFAULT 'master',
  private boolean NOT NULL DEFAULT false,
  fork boolean NOT NULL DEFAULT false,
  mirror boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  pushed_at timestamptz
);
CREATE UNIQUE INDEX repos_uri_key ON repos (uri_lower);
CREATE INDEX repos_name_idx ON repos (name_lower, id);
CREATE INDEX repos_created_idx ON repos (created_at, id);
CREATE INDEX repos_pushed_idx ON repos ((COALESCE(pushed_at, '-infinity'::timestamptz)), id);
CREATE INDEX repos_language_idx ON repos (language_lower, id);

-- Down Migration

DROP TABLE repos;
DROP TABLE user_emails;
DROP TABLE users;
DROP TABLE srcstore_migration_checksums;
