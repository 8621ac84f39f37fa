-- Up Migration

-- App storage: one row per (app, scope, bucket, key). The scope is the app's global one (repo_id NULL)
-- or one repo's (repo_id set). A primary key cannot hold NULL, so the key uses repo_key, generated as
-- repo_id or 0 for the global scope (repo IDs start at 1, so 0 is never a repo). repo_id stays a real
-- reference to repos: deleting a repo deletes its keys in the same transaction, so a row that is found
-- always belongs to an existing repo (fs keeps them as unreachable leftovers; the results are the same).
-- app and bucket compare as bytes ("C"); key is bytea, which orders bytewise (memcmp, then length):
-- the fs backend's compareBytes order, so the primary key serves get/exists/list/deleteBucket.
CREATE TABLE app_storage (
  app text NOT NULL COLLATE "C",
  repo_id integer REFERENCES repos (id) ON DELETE CASCADE,
  repo_key integer NOT NULL GENERATED ALWAYS AS (COALESCE(repo_id, 0)) STORED,
  bucket text NOT NULL COLLATE "C",
  key bytea NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 1024),
  value bytea NOT NULL,
  PRIMARY KEY (app, repo_key, bucket, key)
);
-- For the cascade when a repo is deleted.
CREATE INDEX app_storage_repo_idx ON app_storage (repo_id) WHERE repo_id IS NOT NULL;

-- Down Migration

DROP INDEX app_storage_repo_idx;
DROP TABLE app_storage;
