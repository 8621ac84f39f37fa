/** Checks of repo inputs, shared by every backend. */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";

export type CheckedNewRepo = Required<M.NewRepo>;

/** A branch name: 1-255 characters, no spaces, control characters or "..". */
export function branch(field: string, b: unknown): string {
  const s = v.text(field, b, 255, { required: true });
  if (/\s/.test(s) || s.includes("..") || s.startsWith("/") || s.endsWith("/")) {
    throw invalid(field, "must be a branch name without spaces, '..' or a leading or trailing '/'");
  }
  return s;
}

const description = (field: string, d: unknown) => v.text(field, d, 1024, { multiline: true });
/** Language names are short ("Go", "Objective-C++"); at most 64 characters. */
const language = (field: string, l: unknown) => v.text(field, l, 64);

/** v.repoURI, and no unpaired surrogate (a URI must be valid Unicode to be stored and compared). */
function uri(field: string, u: unknown): string {
  const s = v.repoURI(field, u);
  if (/\p{Cs}/u.test(s)) throw invalid(field, "must be valid Unicode text");
  return s;
}

export function checkNewRepo(r: M.NewRepo): CheckedNewRepo {
  const o = v.object("repo", r);
  v.knownKeys("repo", o, ["uri", "description", "language", "defaultBranch", "private", "fork", "mirror"]);
  return {
    uri: uri("uri", r.uri),
    description: r.description === undefined ? "" : description("description", r.description),
    language: r.language === undefined ? "" : language("language", r.language),
    defaultBranch: r.defaultBranch === undefined ? "master" : branch("defaultBranch", r.defaultBranch),
    private: r.private === undefined ? false : v.bool("private", r.private),
    fork: r.fork === undefined ? false : v.bool("fork", r.fork),
    mirror: r.mirror === undefined ? false : v.bool("mirror", r.mirror),
  };
}

/** The fields of a Repo that an update sets (`private`/`public` folded into `private`). */
export type RepoPatch = Partial<Pick<M.Repo,
  "description" | "language" | "defaultBranch" | "private" | "fork" | "mirror" | "updatedAt" | "pushedAt">>;

/** `private: true` and `public: true` together: invalid_input on field "update". */
export function checkRepoUpdate(u: M.RepoUpdate): RepoPatch {
  const o = v.object("update", u);
  v.knownKeys("update", o, [
    "description", "language", "defaultBranch", "private", "public", "fork", "mirror", "updatedAt", "pushedAt",
  ]);
  const out: RepoPatch = {};
  if (u.private !== undefined && u.private !== true) throw invalid("private", "must be true when given (use public: true)");
  if (u.public !== undefined && u.public !== true) throw invalid("public", "must be true when given (use private: true)");
  if (u.private && u.public) throw invalid("update", "must not set both private and public");
  if (u.private) out.private = true;
  if (u.public) out.private = false;
  if (u.description !== undefined) out.description = description("description", u.description);
  if (u.language !== undefined) out.language = language("language", u.language);
  if (u.defaultBranch !== undefined) out.defaultBranch = branch("defaultBranch", u.defaultBranch);
  if (u.fork !== undefined) out.fork = v.bool("fork", u.fork);
  if (u.mirror !== undefined) out.mirror = v.bool("mirror", u.mirror);
  if (u.updatedAt !== undefined) out.updatedAt = v.date("updatedAt", u.updatedAt);
  if (u.pushedAt !== undefined) out.pushedAt = v.date("pushedAt", u.pushedAt);
  return out;
}

export interface CheckedRepoList {
  /** Lower-cased. */
  query: string | undefined;
  private: boolean | undefined;
  fork: boolean | undefined;
  mirror: boolean | undefined;
  /** Lower-cased. */
  language: string | undefined;
  sort: "uri" | "id" | "created" | "pushed";
  direction: M.SortDirection;
  limit: number;
  cursor: string | undefined;
}

export function checkRepoList(o: M.RepoListOptions): CheckedRepoList {
  v.knownKeys("options", v.object("options", o), [
    "query", "private", "fork", "mirror", "language", "sort", "direction", "limit", "cursor",
  ]);
  return {
    query: o.query === undefined ? undefined : v.text("query", o.query, 255).toLowerCase(),
    private: o.private === undefined ? undefined : v.bool("private", o.private),
    fork: o.fork === undefined ? undefined : v.bool("fork", o.fork),
    mirror: o.mirror === undefined ? undefined : v.bool("mirror", o.mirror),
    language: o.language === undefined ? undefined : language("language", o.language).toLowerCase(),
    sort: o.sort === undefined ? "uri" : v.oneOf("sort", o.sort, ["uri", "id", "created", "pushed"] as const),
    direction: o.direction === undefined ? "asc" : v.oneOf("direction", o.direction, ["asc", "desc"] as const),
    limit: v.limit(o.limit),
    cursor: o.cursor === undefined ? undefined : v.text("cursor", o.cursor, 2048),
  };
}

/** The last path component of a URI. */
export const repoName = (uri: string): string => uri.slice(uri.lastIndexOf("/") + 1);
