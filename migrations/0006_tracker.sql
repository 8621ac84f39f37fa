-- Up Migration

-- Tracker threads and changesets: items numbered 1, 2, 3... per repo, each with children numbered
-- 1, 2, 3... per item (comments, reviews, events). Items go with their repo (ON DELETE CASCADE), and
-- children with their item. Author and actor UIDs are plain integers: as on the fs backend, what a
-- user wrote stays (under its UID) when the user is deleted; the store checks that the user exists
-- when it writes.

-- The last number given out per repo and kind, bumped by INSERT ... ON CONFLICT DO UPDATE ... RETURNING
-- in the statement that inserts the item: the row lock orders concurrent creators, and a failed insert
-- rolls the bump back with it, so numbers have neither gaps nor duplicates.
CREATE TABLE tracker_numbers (
  repo_id integer NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
  kind text NOT NULL COLLATE "C" CHECK (kind IN ('threads', 'changesets')),
  last integer NOT NULL CHECK (last > 0),
  PRIMARY KEY (repo_id, kind)
);

-- The primary key serves get and the unfiltered list (newest first: a backward scan); the state index
-- serves the list of one state and the counts per state.
CREATE TABLE threads (
  repo_id integer NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
  number integer NOT NULL CHECK (number > 0),
  title text NOT NULL,
  state text NOT NULL COLLATE "C" CHECK (state IN ('open', 'closed')),
  author_uid integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  -- {repo, path, commitID, startLine, endLine} or NULL.
  code_ref jsonb,
  -- The ID of the last comment (comment 1 is the body) and of the last event.
  comment_count integer NOT NULL CHECK (comment_count > 0),
  event_count integer NOT NULL CHECK (event_count >= 0),
  PRIMARY KEY (repo_id, number),
  CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX threads_state_idx ON threads (repo_id, state, number);

CREATE TABLE thread_comments (
  repo_id integer NOT NULL,
  number integer NOT NULL,
  id integer NOT NULL CHECK (id > 0),
  author_uid integer NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (repo_id, number, id),
  FOREIGN KEY (repo_id, number) REFERENCES threads (repo_id, number) ON DELETE CASCADE
);

-- from_title/to_title: the old and new title of a "renamed" event; field: what an "updated" event changed.
CREATE TABLE thread_events (
  repo_id integer NOT NULL,
  number integer NOT NULL,
  id integer NOT NULL CHECK (id > 0),
  type text NOT NULL COLLATE "C" CHECK (type IN ('closed', 'reopened', 'renamed')),
  actor_uid integer NOT NULL,
  created_at timestamptz NOT NULL,
  from_title text,
  to_title text,
  field text,
  PRIMARY KEY (repo_id, number, id),
  FOREIGN KEY (repo_id, number) REFERENCES threads (repo_id, number) ON DELETE CASCADE
);

CREATE TABLE changesets (
  repo_id integer NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
  number integer NOT NULL CHECK (number > 0),
  title text NOT NULL,
  description text NOT NULL,
  author_uid integer NOT NULL,
  base_branch text NOT NULL,
  base_commit text NOT NULL,
  head_branch text NOT NULL,
  head_commit text NOT NULL,
  state text NOT NULL COLLATE "C" CHECK (state IN ('open', 'closed', 'merged')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  merged_at timestamptz,
  -- The ID of the last review and of the last event.
  review_count integer NOT NULL CHECK (review_count >= 0),
  event_count integer NOT NULL CHECK (event_count >= 0),
  PRIMARY KEY (repo_id, number),
  CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
  CHECK ((state = 'merged') = (merged_at IS NOT NULL))
);
CREATE INDEX changesets_state_idx ON changesets (repo_id, state, number);

-- comments: the review's line comments, a JSON array of {path, line, body}, in the order given.
CREATE TABLE changeset_reviews (
  repo_id integer NOT NULL,
  number integer NOT NULL,
  id integer NOT NULL CHECK (id > 0),
  author_uid integer NOT NULL,
  body text NOT NULL,
  comments jsonb NOT NULL CHECK (jsonb_typeof(comments) = 'array'),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (repo_id, number, id),
  FOREIGN KEY (repo_id, number) REFERENCES changesets (repo_id, number) ON DELETE CASCADE
);

CREATE TABLE changeset_events (
  repo_id integer NOT NULL,
  number integer NOT NULL,
  id integer NOT NULL CHECK (id > 0),
  type text NOT NULL COLLATE "C" CHECK (type IN ('closed', 'reopened', 'renamed', 'merged', 'updated')),
  actor_uid integer NOT NULL,
  created_at timestamptz NOT NULL,
  from_title text,
  to_title text,
  field text,
  PRIMARY KEY (repo_id, number, id),
  FOREIGN KEY (repo_id, number) REFERENCES changesets (repo_id, number) ON DELETE CASCADE
);

-- Down Migration

DROP TABLE changeset_events;
DROP TABLE changeset_reviews;
DROP INDEX changesets_state_idx;
DROP TABLE changesets;
DROP TABLE thread_events;
DROP TABLE thread_comments;
DROP INDEX threads_state_idx;
DROP TABLE threads;
DROP TABLE tracker_numbers;
