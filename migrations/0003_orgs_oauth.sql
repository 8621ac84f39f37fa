-- Up Migration

-- Orgs: logins are ASCII and unique case-insensitively; list() orders by lower(login) in the "C"
-- collation (byte order, as on the fs backend), so the one unique index serves get, list and prefix.
CREATE TABLE orgs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login text NOT NULL COLLATE "C",
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX orgs_login_key ON orgs (lower(login));

-- A deleted org or user takes its memberships with it.
CREATE TABLE org_members (
  org_id integer NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  uid integer NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
  PRIMARY KEY (org_id, uid)
);
CREATE INDEX org_members_uid_idx ON org_members (uid, org_id);

-- One invite per email (email_lower: lowered by the store, as on fs); only the sha256 of the current
-- token is kept, so a replaced invite's old token matches nothing.
CREATE TABLE invites (
  email_lower text COLLATE "C" PRIMARY KEY,
  email text NOT NULL,
  admin boolean NOT NULL DEFAULT false,
  write boolean NOT NULL DEFAULT false,
  in_use boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  token_hash text NOT NULL COLLATE "C" CHECK (token_hash ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX invites_token_key ON invites (token_hash);

-- Registered OAuth clients: IDs are case-sensitive printable ASCII, ordered by byte. secret_hash is
-- the self-describing salted hash of lib/secrets.ts, NULL for a client that authenticates with jwks.
CREATE TABLE oauth_clients (
  id text COLLATE "C" PRIMARY KEY,
  secret_hash text,
  jwks text NOT NULL DEFAULT '',
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  client_uri text NOT NULL DEFAULT '',
  redirect_uris jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(redirect_uris) = 'array'),
  type text NOT NULL COLLATE "C",
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX oauth_clients_type_idx ON oauth_clients (type, id);

-- Authorization codes, by the sha256 of the code. Deleting the client (even if its ID is registered
-- again later) or the user deletes its codes, so they stop working at once. scope: the tokens joined
-- by single spaces (a scope token has no space), as OAuth writes them.
CREATE TABLE auth_codes (
  code_hash text COLLATE "C" PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  client_id text NOT NULL COLLATE "C" REFERENCES oauth_clients (id) ON DELETE CASCADE,
  redirect_uri text NOT NULL COLLATE "C",
  scope text NOT NULL,
  uid integer NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  spent_at timestamptz
);
CREATE INDEX auth_codes_client_idx ON auth_codes (client_id);
CREATE INDEX auth_codes_uid_idx ON auth_codes (uid);
CREATE INDEX auth_codes_expires_idx ON auth_codes (expires_at);

-- Down Migration

DROP TABLE auth_codes;
DROP TABLE oauth_clients;
DROP TABLE invites;
DROP TABLE org_members;
DROP TABLE orgs;
