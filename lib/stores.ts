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
  /** Removes the user with its emails, password and reset tokens. not_found when missing. */
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
  /** False for a wrong password, a user without a password, or a missing user. Constant time. */
  check(uid: number, password: string): Promise<boolean>;
  /** A single-use token, stored hashed; default lifetime 1 hour. not_found when the user is missing. */
  requestReset(uid: number, options?: { ttlSeconds?: number }): Promise<M.ResetToken>;
  /**
   * Sets the password of the token's user and spends the token; returns the UID. Unknown, used or
   * expired token: not_found.
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
  /** UIDs, ascending. */
  listMembers(orgID: number): Promise<number[]>;
  /** Orgs the user is a member of, by login. */
  listForUser(uid: number): Promise<M.Org[]>;
}

export interface OAuthClientsStore {
  /** already_exists when the ID is taken. The secret is kept only as a hash. */
  create(client: M.NewClient): Promise<M.RegisteredClient>;
  get(id: string): Promise<M.RegisteredClient>;
  /** not_found unless the ID exists and the secret matches (compared in constant time). */
  getByCredentials(id: string, secret: string): Promise<M.RegisteredClient>;
  update(id: string, update: M.ClientUpdate): Promise<M.RegisteredClient>;
  delete(id: string): Promise<void>;
  list(options?: M.ClientListOptions): Promise<M.Page<M.RegisteredClient>>;
}

export interface AuthCodesStore {
  /** A random code; only its hash is stored. */
  create(code: M.NewAuthCode): Promise<string>;
  /**
   * Spends the code. Unknown or expired code, or a client or redirect URI other than the one it was
   * made for: not_found. A code already exchanged: conflict.
   */
  exchange(code: string, clientID: string, redirectURI: string): Promise<M.AuthCodeGrant>;
  /** Deletes expired codes; returns how many. */
  purgeExpired(): Promise<number>;
}

export interface ExternalTokensStore {
  /** Creates or replaces the token for (uid, host, clientID). */
  set(token: Omit<M.ExternalToken, "updatedAt">): Promise<M.ExternalToken>;
  get(uid: number, host: string, clientID: string): Promise<M.ExternalToken>;
  delete(uid: number, host: string, clientID: string): Promise<void>;
}

export interface InvitesStore {
  /** Creates or replaces the invite for the email (case-insensitive); returns a new token. */
  createOrUpdate(invite: M.NewInvite): Promise<string>;
  /** Marks the invite in use. Unknown token: not_found; already in use: conflict. */
  retrieve(token: string): Promise<M.Invite>;
  markUnused(token: string): Promise<void>;
  delete(token: string): Promise<void>;
  deleteByEmail(email: string): Promise<void>;
  /** By email. */
  list(): Promise<M.Invite[]>;
}

export interface ReposStore {
  /** Assigns the ID. already_exists when the URI is taken, in any letter case. */
  create(repo: M.NewRepo): Promise<M.Repo>;
  get(id: number): Promise<M.Repo>;
  /** Case-insensitive. */
  getByURI(uri: string): Promise<M.Repo>;
  update(id: number, update: M.RepoUpdate): Promise<M.Repo>;
  /** Removes the repo and its configs, statuses, permissions, threads and changesets. */
  delete(id: number): Promise<void>;
  list(options?: M.RepoListOptions): Promise<M.Page<M.Repo>>;
}

export interface RepoConfigsStore {
  /** {} when none was set. not_found when the repo is missing. */
  get(repoID: number): Promise<M.RepoConfig>;
  put(repoID: number, config: M.RepoConfig): Promise<void>;
}

export interface RepoStatusesStore {
  /** Creates the status of a context at a commit (40 hex digits), replacing that context's earlier one. */
  create(repoID: number, commitID: string, status: M.NewRepoStatus): Promise<M.RepoStatus>;
  /** One per context, sorted by context. */
  list(repoID: number, commitID: string): Promise<M.RepoStatus[]>;
  combined(repoID: number, commitID: string): Promise<M.CombinedStatus>;
}

export interface RepoPermsStore {
  /** Sets the user's level on the repo (replacing an earlier grant). */
  grant(repoID: number, uid: number, level: M.PermLevel): Promise<void>;
  /** not_found when there was no grant. */
  revoke(repoID: number, uid: number): Promise<void>;
  /** The level, or null without a grant. */
  get(repoID: number, uid: number): Promise<M.PermLevel | null>;
  /** By UID. */
  listUsers(repoID: number): Promise<M.RepoPerm[]>;
  /** By repo ID. */
  listRepos(uid: number): Promise<M.RepoPerm[]>;
}

export interface AppStorageStore {
  /** not_found when missing. */
  get(scope: M.StorageScope, key: M.StorageKey): Promise<Uint8Array>;
  /** Creates or overwrites. Values are at most 32 MiB. */
  put(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void>;
  /** already_exists when the key is present; of N concurrent callers exactly one wins. */
  putNoOverwrite(scope: M.StorageScope, key: M.StorageKey, value: Uint8Array): Promise<void>;
  /** Deletes one key. not_found when missing. */
  delete(scope: M.StorageScope, key: M.StorageKey): Promise<void>;
  /** Deletes every key of the bucket; a missing bucket is fine. */
  deleteBucket(scope: M.StorageScope): Promise<void>;
  exists(scope: M.StorageScope, key: M.StorageKey): Promise<boolean>;
  /** Keys of the bucket, sorted by bytes. */
  list(scope: M.StorageScope): Promise<Uint8Array[]>;
}

export interface ThreadsStore {
  /** Numbered 1, 2, 3... per repo, without gaps or duplicates. not_found when the repo is missing. */
  create(repoID: number, thread: M.NewThread): Promise<M.Thread>;
  get(repoID: number, number: number): Promise<M.Thread>;
  /** Records a "renamed", "closed" or "reopened" event for each change. */
  update(repoID: number, number: number, update: M.ThreadUpdate): Promise<M.Thread>;
  addComment(repoID: number, number: number, comment: { authorUID: number; body: string }): Promise<M.Comment>;
  /** Oldest first. */
  listComments(repoID: number, number: number, options?: M.PageOptions): Promise<M.Page<M.Comment>>;
  /** Oldest first. */
  listEvents(repoID: number, number: number): Promise<M.IssueEvent[]>;
  list(repoID: number, options?: M.ThreadListOptions): Promise<M.Page<M.Thread>>;
  counts(repoID: number): Promise<{ open: number; closed: number }>;
}

export interface ChangesetsStore {
  create(repoID: number, changeset: M.NewChangeset): Promise<M.Changeset>;
  get(repoID: number, number: number): Promise<M.Changeset>;
  /** Records an event for each change ("renamed", "closed", "reopened", "merged", "updated"). */
  update(repoID: number, number: number, update: M.ChangesetUpdate): Promise<M.Changeset>;
  addReview(repoID: number, number: number, review: M.NewReview): Promise<M.Review>;
  /** Oldest first. */
  listReviews(repoID: number, number: number): Promise<M.Review[]>;
  /** Oldest first. */
  listEvents(repoID: number, number: number): Promise<M.IssueEvent[]>;
  list(repoID: number, options?: M.ChangesetListOptions): Promise<M.Page<M.Changeset>>;
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
