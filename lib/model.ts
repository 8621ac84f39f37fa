/**
 * Domain types: plain data, the same on every backend. IDs and timestamps are assigned by the store;
 * times are Date objects in UTC, with millisecond precision.
 */

/** One page of a list. `nextCursor` is absent on the last page; pass it back to get the next one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Keyset pagination: a cursor names the last item seen, so items added while paging are never
 * skipped or repeated. `limit` defaults to 100 and may be at most 1000.
 */
export interface PageOptions {
  limit?: number;
  cursor?: string;
}

export type SortDirection = "asc" | "desc";

// ---- users, emails, passwords -------------------------------------------------------------------

export interface User {
  uid: number;
  login: string;
  name: string;
  avatarURL: string;
  location: string;
  company: string;
  homepageURL: string;
  admin: boolean;
  write: boolean;
  disabled: boolean;
  registeredAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  login: string;
  name?: string;
  avatarURL?: string;
  location?: string;
  company?: string;
  homepageURL?: string;
  admin?: boolean;
  write?: boolean;
}

/** Only the fields given change. */
export interface UserUpdate {
  name?: string;
  avatarURL?: string;
  location?: string;
  company?: string;
  homepageURL?: string;
  admin?: boolean;
  write?: boolean;
  disabled?: boolean;
}

export interface UserListOptions extends PageOptions {
  /** Case-insensitive prefix of the login. */
  query?: string;
  /** Default "login". */
  sort?: "login" | "uid" | "registered";
  /** Default "asc". */
  direction?: SortDirection;
  /** Disabled users are left out unless this is true. */
  includeDisabled?: boolean;
}

export interface EmailAddr {
  email: string;
  verified: boolean;
  primary: boolean;
}

export interface ResetToken {
  /** Give this to the user; the store keeps only its hash. */
  token: string;
  uid: number;
  expiresAt: Date;
}

// ---- orgs ----------------------------------------------------------------------------------------

export interface Org {
  id: number;
  login: string;
  name: string;
  description: string;
  createdAt: Date;
}

export interface NewOrg {
  login: string;
  name?: string;
  description?: string;
}

export interface OrgListOptions extends PageOptions {
  /** Case-insensitive prefix of the org login. Orgs are listed by login, ascending. */
  query?: string;
}

// ---- OAuth ---------------------------------------------------------------------------------------

export interface RegisteredClient {
  id: string;
  name: string;
  description: string;
  clientURI: string;
  redirectURIs: string[];
  type: string;
  /** Public key set (JSON text) for clients that authenticate with signed assertions. */
  jwks: string;
  /** Whether a secret is set (its hash is kept; the secret itself is never returned). */
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Exactly one of `secret` and `jwks` is required. */
export interface NewClient {
  id: string;
  secret?: string;
  jwks?: string;
  name?: string;
  description?: string;
  clientURI?: string;
  redirectURIs?: string[];
  type?: string;
}

/**
 * Every field but the secret; passing `secret` is invalid_input. `jwks` replaces the key set (it
 * cannot be removed; a client with a secret may add one).
 */
export interface ClientUpdate {
  name?: string;
  description?: string;
  clientURI?: string;
  redirectURIs?: string[];
  type?: string;
  jwks?: string;
}

export interface ClientListOptions extends PageOptions {
  /** Only clients of this type. Clients are listed by ID, ascending. */
  type?: string;
}

export interface NewAuthCode {
  clientID: string;
  redirectURI: string;
  scope: string[];
  uid: number;
  /** Lifetime in seconds; default 600, at most 3600. */
  ttlSeconds?: number;
}

export interface AuthCodeGrant {
  clientID: string;
  redirectURI: string;
  scope: string[];
  uid: number;
}

export interface ExternalToken {
  uid: number;
  /** As URL.host gives it: a lower-case host name or IP address, optionally with ":port". */
  host: string;
  clientID: string;
  /** A credential: never log it. */
  token: string;
  scope: string;
  updatedAt: Date;
}

// ---- invites -------------------------------------------------------------------------------------

export interface Invite {
  email: string;
  admin: boolean;
  write: boolean;
  inUse: boolean;
  createdAt: Date;
}

export interface NewInvite {
  email: string;
  admin?: boolean;
  write?: boolean;
}

// ---- repos ---------------------------------------------------------------------------------------

export interface Repo {
  id: number;
  /** e.g. "github.com/gorilla/mux": unique case-insensitively, case kept as given. */
  uri: string;
  /** The last path component of the URI. */
  name: string;
  description: string;
  language: string;
  defaultBranch: string;
  private: boolean;
  fork: boolean;
  mirror: boolean;
  createdAt: Date;
  updatedAt: Date;
  pushedAt: Date | null;
}

export interface NewRepo {
  uri: string;
  description?: string;
  language?: string;
  /** Default "master". */
  defaultBranch?: string;
  private?: boolean;
  fork?: boolean;
  mirror?: boolean;
}

/** Only the fields given change. `private: true` and `public: true` together are invalid_input. */
export interface RepoUpdate {
  description?: string;
  language?: string;
  defaultBranch?: string;
  private?: true;
  public?: true;
  fork?: boolean;
  mirror?: boolean;
  updatedAt?: Date;
  pushedAt?: Date;
}

export interface RepoListOptions extends PageOptions {
  /** Case-insensitive prefix of the URI or of the name. */
  query?: string;
  private?: boolean;
  fork?: boolean;
  mirror?: boolean;
  /** Exact, case-insensitive. */
  language?: string;
  /** Default "uri". */
  sort?: "uri" | "id" | "created" | "pushed";
  /** Default "asc". */
  direction?: SortDirection;
}

/** Free-form settings of a repo, a JSON object of at most 64 KiB. */
export type RepoConfig = Record<string, unknown>;

export type StatusState = "pending" | "success" | "failure" | "error";

export interface RepoStatus {
  context: string;
  state: StatusState;
  description: string;
  targetURL: string;
  creatorUID: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewRepoStatus {
  context: string;
  state: StatusState;
  description?: string;
  targetURL?: string;
  creatorUID?: number;
}

export interface CombinedStatus {
  commitID: string;
  /** Any failure or error -> "failure"; else any pending, or no status at all -> "pending"; else "success". */
  state: "pending" | "success" | "failure";
  /** One per context, sorted by context. */
  statuses: RepoStatus[];
}

export type PermLevel = "read" | "write" | "admin";

export interface RepoPerm {
  repoID: number;
  uid: number;
  level: PermLevel;
}

// ---- app storage ---------------------------------------------------------------------------------

/** Where an app's key-value data lives: an app, optionally one repo, and a bucket. */
export interface StorageScope {
  app: string;
  repoID?: number;
  bucket: string;
}

/** A key: any bytes (a string is taken as its UTF-8 bytes), 1 to 1024 bytes. */
export type StorageKey = string | Uint8Array;

// ---- tracker threads -----------------------------------------------------------------------------

export interface CodeRef {
  /** URI of the repo the code is in (may differ from the thread's repo). */
  repo: string;
  path: string;
  commitID: string;
  startLine: number;
  endLine: number;
}

export type ThreadState = "open" | "closed";

export interface Thread {
  repoID: number;
  number: number;
  title: string;
  state: ThreadState;
  authorUID: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  codeRef: CodeRef | null;
  commentCount: number;
}

export interface NewThread {
  title: string;
  /** The first comment. */
  body: string;
  authorUID: number;
  codeRef?: CodeRef;
}

export interface ThreadUpdate {
  actorUID: number;
  title?: string;
  state?: ThreadState;
}

export interface Comment {
  /** 1, 2, 3... within its thread or changeset; comment 1 of a thread is its body. */
  id: number;
  authorUID: number;
  body: string;
  createdAt: Date;
}

export interface IssueEvent {
  id: number;
  type: "closed" | "reopened" | "renamed" | "merged" | "updated";
  actorUID: number;
  createdAt: Date;
  /** For "renamed": the old and new title; for "updated": the field name in `field`. */
  from?: string;
  to?: string;
  field?: string;
}

export interface ThreadListOptions extends PageOptions {
  /** Default: every state. Newest (highest number) first. */
  state?: ThreadState;
}

// ---- changesets ----------------------------------------------------------------------------------

export interface RevSpec {
  branch: string;
  commitID: string;
}

export type ChangesetState = "open" | "closed" | "merged";

export interface Changeset {
  repoID: number;
  number: number;
  title: string;
  description: string;
  authorUID: number;
  base: RevSpec;
  head: RevSpec;
  state: ChangesetState;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  mergedAt: Date | null;
}

export interface NewChangeset {
  title: string;
  description?: string;
  authorUID: number;
  base: RevSpec;
  head: RevSpec;
}

/** A merged changeset is final: any further state change is a conflict. */
export interface ChangesetUpdate {
  actorUID: number;
  title?: string;
  description?: string;
  state?: ChangesetState;
  base?: RevSpec;
  head?: RevSpec;
}

export interface LineComment {
  path: string;
  line: number;
  body: string;
}

export interface Review {
  id: number;
  authorUID: number;
  body: string;
  comments: LineComment[];
  createdAt: Date;
}

export interface NewReview {
  authorUID: number;
  body?: string;
  comments?: LineComment[];
}

export interface ChangesetListOptions extends PageOptions {
  /** Default: every state. Newest (highest number) first. */
  state?: ChangesetState;
}

export interface StateCounts {
  open: number;
  closed: number;
  merged: number;
}
