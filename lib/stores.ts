/**
 * The store interfaces: the one contract every backend implements and test/conformance/ asserts.
 * Every method validates its input (invalid_input naming the field) and fails only with StoreError.
 */
import type * as M from "./model.ts";

export interface UsersStore {
  /** Assigns the UID. already_exists when the login is taken, in any letter case. */
  create(user: M.NewUser): Promise<M.User>;
  /** not_found when missing. */
  get(uid: number): Promise<M.User>;
  /** Case-insensitive. not_found when missing. */
  getByLogin(login: string): Promise<M.User>;
  update(uid: number, update: M.UserUpdate): Promise<M.User>;
  /**
   * Removes the user with its login, emails and password. What other stores keep under the UID
   * (reset tokens, memberships, grants, external tokens, auth codes) stops resolving at once: it is
   * never returned again. not_found when missing.
   */
  delete(uid: number): Promise<void>;
  list(options?: M.UserListOptions): Promise<M.Page<M.User>>;
  count(options?: { query?: string; includeDisabled?: boolean }): Promise<number>;

  /** The user's addresses, sorted by address. not_found when the user is missing. */
  listEmails(uid: number): Promise<M.EmailAddr[]>;
  /**
   * Replaces all addresses in one step. Addresses compare case-insensitively; at most one primary;
   * no duplicates. already_exists (nothing changed) when an address belongs to another user.
   */
  setEmails(uid: number, emails: M.EmailAddr[]): Promise<void>;
  /**
   * The user owning the address, case-insensitively. By default only a verified address matches;
   * `primary: true` also requires it to be the primary one. not_found otherwise.
   */
  getByEmail(email: string, match?: { verified?: boolean; primary?: boolean }): Promise<M.User>;
}

export interface PasswordsStore {
  /** Stores a salted slow hash. Empty password: invalid_input, the old one is kept. */
  set(uid: number, password: string): Promise<void>;
  /**
   * False for a wrong password, a user without a password, or a missing user, taking as long in each
   * case (constant-time comparison). A password set() would refuse (empty, too long): invalid_input.
   */
  check(uid: number, password: string): Promise<boolean>;
  /**
   * A single-use token, stored hashed; lifetime `ttlSeconds`, 1 s to 7 days, default 1 hour. not_found
   * when the user is missing.
   */
  requestReset(uid: number, options?: { ttlSeconds?: number }): Promise<M.ResetToken>;
  /**
   * Sets the password of the token's user and spends the token; returns the UID. Unknown, used or
   * expired token (from `expiresAt` on), or one whose user was deleted: not_found. Of concurrent calls
   * with one token exactly one succeeds.
   */
  reset(token: string, newPassword: string): Promise<number>;
}

export interface OrgsStore {
  /** Assigns the ID. already_exists when the login is taken (case-insensitively). */
  create(org: M.NewOrg): Promise<M.Org>;
  get(id: number): Promise<M.Org>;
  getByLogin(login: string): Promise<M.Org>;
  list(options?: M.OrgListOptions): Promise<M.Page<M.Org>>;
  /** Removes the org and its memberships. */
  delete(id: number): Promise<void>;
  /** already_exists when the user is a member; not_found when the org or the user is missing. */
  addMember(orgID: number, uid: number): Promise<void>;
  /** not_found when not a member. */
  removeMember(orgID: number, uid: number): Promise<void>;
  /** UIDs, ascending. not_found when the org is missing. A deleted user is no longer a member. */
  listMembers(orgID: number): Promise<number[]>;
  /** Orgs the user is a member of, by login (case-insensitively). not_found when the user is missing. */
  listForUser(uid: number): Promise<M.Org[]>;
}

export interface OAuthClientsStore {
  /**
   * already_exists when the ID is taken. The secret (16-512 characters) is kept only as a salted
   * hash. IDs are 1-128 printable ASCII characters, case-sensitive.
   */
  create(client: M.NewClient): Promise<M.RegisteredClient>;
  /** not_found when missing. */
  get(id: string): Promise<M.RegisteredClient>;
  /**
   * not_found unless the ID exists, has a secret, and the secret matches (compared in constant time;
   * an unknown ID costs the same work).
   */
  getByCredentials(id: string, secret: string): Promise<M.RegisteredClient>;
  /** Sets updatedAt. `secret` in the update: invalid_input (field "update.secret"). not_found when missing. */
  update(id: string, update: M.ClientUpdate): Promise<M.RegisteredClient>;
  /** not_found when missing. Codes made for the client stop working, even if the ID is registered again. */
  delete(id: string): Promise<void>;
  /** By ID ascending (code unit order), optionally of one type. */
  list(options?: M.ClientListOptions): Promise<M.Page<M.RegisteredClient>>;
}

export interface AuthCodesStore {
  /** A random code; only its hash is stored. not_found when the client or the user is missing. */
  create(code: M.NewAuthCode): Promise<string>;
  /**
   * Spends the code. Unknown or expired code (from `ttlSeconds` after create on), a client or redirect
   * URI other than the one it was made for (compared exactly), or a client or user deleted since:
   * not_found, and the code is not spent. A code already exchanged: conflict. Of concurrent exchanges
   * of one code exactly one succeeds.
   */
  exchange(code: string, clientID: string, redirectURI: string): Promise<M.AuthCodeGrant>;
  /** Deletes expired codes, spent or not; returns how many. */
  purgeExpired(): Promise<number>;
}

export interface ExternalTokensStore {
  /** Creates or replaces the token for (uid, host, clientID); the last writer wins. not_found when the user is missing. */
  set(token: Omit<M.ExternalToken, "updatedAt">): Promise<M.ExternalToken>;
  /** not_found when there is no token, or its user was deleted. */
  get(uid: number, host: string, clientID: string): Promise<M.ExternalToken>;
  /** not_found when there is no token. */
  delete(uid: number, host: string, clientID: string): Promise<void>;
}

export interface InvitesStore {
  /**
   * Creates or replaces the invite for the email (case-insensitive; the email is kept as last given):
   * returns a new token, and the invite's earlier token stops working. A replaced invite is not in use.
   */
  createOrUpdate(invite: M.NewInvite): Promise<string>;
  /**
   * Marks the invite in use. Unknown token: not_found; already in use: conflict. Of concurrent calls
   * with one token exactly one succeeds.
   */
  retrieve(token: string): Promise<M.Invite>;
  /** not_found for an unknown token. */
  markUnused(token: string): Promise<void>;
  /** not_found for an unknown token. */
  delete(token: string): Promise<void>;
  /** Case-insensitive. not_found when there is no invite for the email. */
  deleteByEmail(email: string): Promise<void>;
  /** By email, case-insensitively. */
  list(): Promise<M.Invite[]>;
}

export interface ReposStore {
  /** Assigns the ID. already_exists when the URI is taken, in any letter case. */
  create(repo: M.NewRepo): Promise<M.Repo>;
  get(id: number): Promise<M.Repo>;
  /** Case-insensitive. */
  getByURI(uri: string): Promise<M.Repo>;
  /** Only the fields given change; updatedAt becomes now unless given. not_found when missing. */
  update(id: number, update: M.RepoUpdate): Promise<M.Repo>;
  /** Removes the repo and its configs, statuses, permissions, threads and changesets. IDs are never reused. */
  delete(id: number): Promise<void>;
  /**
   * Sort "uri" orders by the lower-cased URI, by code point (UTF-8 byte order); the other sorts break
   * ties by ID. With sort "pushed", repos never pushed come before every pushed one (first ascending,
   * last descending).
   */
  list(options?: M.RepoListOptions): Promise<M.Page<M.Repo>>;
}

export interface RepoConfigsStore {
  /** {} when none was set. not_found when the repo is missing. */
  get(repoID: number): Promise<M.RepoConfig>;
  /**
   * Replaces the whole config. Only JSON values (null, booleans, finite numbers, strings, arrays, plain
   * objects), at most 64 KiB as UTF-8 JSON; else invalid_input naming the value ("config.a[1]").
   * not_found when the repo is missing.
   */
  put(repoID: number, config: M.RepoConfig): Promise<void>;
}

export interface RepoStatusesStore {
  /**
   * Creates the status of a context at a commit (40 or 64 lower-case hex digits), replacing that
   * context's earlier one: the replacement keeps the first createdAt and gets a new updatedAt.
   * Contexts compare exactly (case-sensitively). not_found when the repo, or the creator, is missing.
   */
  create(repoID: number, commitID: string, status: M.NewRepoStatus): Promise<M.RepoStatus>;
  /** One per context, sorted by context (code point order). not_found when the repo is missing. */
  list(repoID: number, commitID: string): Promise<M.RepoStatus[]>;
  combined(repoID: number, commitID: string): Promise<M.CombinedStatus>;
}

export interface RepoPermsStore {
  /** Sets the user's level on the repo (replacing an earlier grant). not_found when the repo or user is missing. */
  grant(repoID: number, uid: number, level: M.PermLevel): Promise<void>;
  /** not_found when there was no grant. */
  revoke(repoID: number, uid: number): Promise<void>;
  /** The level, or null without a grant (or when the repo or user no longer exists). */
  get(repoID: number, uid: number): Promise<M.PermLevel | null>;
  /** By UID; grants of deleted users are left out. not_found when the repo is missing. */
  listUsers(repoID: number): Promise<M.RepoPerm[]>;
  /** By repo ID. not_found when the user is missing. */
  listRepos(uid: number): Promise<M.RepoPerm[]>;
}

/**
 * Key-value data of an app, globally or for one repo, in buckets. App and bucket names are compared
 * case-sensitively; a scope naming a repo that does not exist is not_found, for every method.
 */
export interface AppStorageStore {
  /** not_found when missing. Returns a copy: changing it changes nothing stored. */
  get(scope: M.StorageScope, key: M.StorageKey): Promise<Uint8Array>;
  /** Creates or overwrites (the last writer wins). Values are at most 32 MiB. */
  put(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void>;
  /** already_exists when the key is present; of N concurrent callers exactly one wins. */
  putNoOverwrite(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void>;
  /** Deletes one key. not_found when missing. */
  delete(scope: M.StorageScope, key: M.StorageKey): Promise<void>;
  /**
   * Deletes every key of the bucket, and nothing of another bucket or scope; a missing bucket is
   * fine. A key put by a call running at the same time may survive.
   */
  deleteBucket(scope: M.StorageScope): Promise<void>;
  exists(scope: M.StorageScope, key: M.StorageKey): Promise<boolean>;
  /** Keys of the bucket, sorted by bytes. */
  list(scope: M.StorageScope): Promise<Uint8Array[]>;
}

export interface ThreadsStore {
  /**
   * Numbered 1, 2, 3... per repo, without gaps or duplicates; the body becomes comment 1. not_found
   * when the repo or the author is missing.
   */
  create(repoID: number, thread: M.NewThread): Promise<M.Thread>;
  get(repoID: number, number: number): Promise<M.Thread>;
  /**
   * Records a "renamed" (with from/to), then a "closed" or "reopened" event for each change; a value
   * equal to the current one is no change and records nothing. A change sets updatedAt; closing sets
   * closedAt, reopening clears it. not_found when the thread or the actor is missing.
   */
  update(repoID: number, number: number, update: M.ThreadUpdate): Promise<M.Thread>;
  /** Numbered after the body, counted in commentCount; sets the thread's updatedAt. */
  addComment(repoID: number, number: number, comment: { authorUID: number; body: string }): Promise<M.Comment>;
  /** Oldest first. */
  listComments(repoID: number, number: number, options?: M.PageOptions): Promise<M.Page<M.Comment>>;
  /** Oldest first. */
  listEvents(repoID: number, number: number): Promise<M.IssueEvent[]>;
  /** not_found when the repo is missing. */
  list(repoID: number, options?: M.ThreadListOptions): Promise<M.Page<M.Thread>>;
  /** not_found when the repo is missing. */
  counts(repoID: number): Promise<{ open: number; closed: number }>;
}

export interface ChangesetsStore {
  /** Numbered like threads. not_found when the repo or the author is missing. */
  create(repoID: number, changeset: M.NewChangeset): Promise<M.Changeset>;
  get(repoID: number, number: number): Promise<M.Changeset>;
  /**
   * Records an event for each change, in this order: "renamed" (from/to), "updated" (field
   * "description", "base", "head"), then "closed", "reopened" or "merged". A value equal to the current
   * one is no change (closing a closed changeset records nothing). A change sets updatedAt; closedAt is
   * set while closed and mergedAt once merged, else null. A state change of a merged changeset is a
   * conflict, and nothing of the update is applied.
   */
  update(repoID: number, number: number, update: M.ChangesetUpdate): Promise<M.Changeset>;
  /**
   * Needs a body or a line comment (else invalid_input, field "review"). Numbered 1, 2, 3... per
   * changeset; sets its updatedAt.
   */
  addReview(repoID: number, number: number, review: M.NewReview): Promise<M.Review>;
  /** Oldest first. */
  listReviews(repoID: number, number: number): Promise<M.Review[]>;
  /** Oldest first. */
  listEvents(repoID: number, number: number): Promise<M.IssueEvent[]>;
  /** not_found when the repo is missing. */
  list(repoID: number, options?: M.ChangesetListOptions): Promise<M.Page<M.Changeset>>;
  /** not_found when the repo is missing. */
  counts(repoID: number): Promise<M.StateCounts>;
}

export interface StoreInfo {
  backend: "fs" | "pgsql";
  location: string;
  counts: Record<string, number>;
}

/** Everything openStore returns. */
export interface Stores {
  users: UsersStore;
  passwords: PasswordsStore;
  orgs: OrgsStore;
  oauthClients: OAuthClientsStore;
  authCodes: AuthCodesStore;
  externalTokens: ExternalTokensStore;
  invites: InvitesStore;
  repos: ReposStore;
  repoConfigs: RepoConfigsStore;
  repoStatuses: RepoStatusesStore;
  repoPerms: RepoPermsStore;
  appStorage: AppStorageStore;
  threads: ThreadsStore;
  changesets: ChangesetsStore;
  /** Backend, location and record counts per store. */
  info(): Promise<StoreInfo>;
  close(): Promise<void>;
}
