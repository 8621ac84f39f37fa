-- Up Migration

-- Repo configs, commit statuses and permissions: all hang off repos (id) and go with them (ON DELETE
-- CASCADE), so repos.delete removes them in the statement that deletes the repo.

-- One config per repo: the JSON text exactly as put (JSON.stringify), kept as text so that key order
-- survives (jsonb would reorder keys) and nothing is revived on the way back.
CREATE TABLE repo_configs (
  repo_id integer PRIMARY KEY REFERENCES repos (id) ON DELETE CASCADE,
  config text NOT NULL
);

-- The status of one context at one commit of a repo; a later status of the context replaces the row,
-- keeping created_at. Contexts compare exactly and sort by code point ("C"). creator_uid is a plain
-- number, checked at create only: like on the fs backend, a status outlives its creator's account.
-- The primary key serves list() (one commit's statuses by context) and the cascade from repos.
CREATE TABLE repo_statuses (
  repo_id integer NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
  commit_id text NOT NULL COLLATE "C" CHECK (commit_id ~ '^([0-9a-f]{40}|[0-9a-f]{64})$'),
  context text NOT NULL COLLATE "C",
  state text NOT NULL CHECK (state IN ('pending', 'success', 'failure', 'error')),
  description text NOT NULL DEFAULT '',
  target_url text NOT NULL DEFAULT '',
  creator_uid integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (repo_id, commit_id, context)
);

-- A user's level on a repo; goes with the repo and with the user. The primary key serves get(),
-- listUsers() (by UID) and the cascade from repos; the uid index serves listRepos() (by repo ID) and
-- the cascade from users.
CREATE TABLE repo_perms (
  repo_id integer NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
  uid integer NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
  level text NOT NULL CHECK (level IN ('read', 'write', 'admin')),
  PRIMARY KEY (repo_id, uid)
);
CREATE INDEX repo_perms_uid_idx ON repo_perms (uid, repo_id);

-- Down Migration

DROP INDEX repo_perms_uid_idx;
DROP TABLE repo_perms;
DROP TABLE repo_statuses;
DROP TABLE repo_configs;
