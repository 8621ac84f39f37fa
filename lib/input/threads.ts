/**
 * Checks of tracker thread inputs, shared by every backend. Also the pieces changesets reuse: file
 * paths in a repo and list options of numbered items (threads, changesets).
 */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import { decodeCursor } from "../cursor.ts";
import * as v from "../validate.ts";

export const TITLE_MAX = 255;
export const BODY_MAX = 65_536;
/** Line numbers fit a 32-bit integer column. */
export const LINE_MAX = 2_147_483_647;

export interface CheckedNewThread {
  title: string;
  body: string;
  authorUID: number;
  codeRef: M.CodeRef | null;
}

export function checkNewThread(t: M.NewThread): CheckedNewThread {
  v.knownKeys("thread", v.object("thread", t), ["title", "body", "authorUID", "codeRef"]);
  return {
    title: v.text("title", t.title, TITLE_MAX, { required: true }),
    body: v.text("body", t.body, BODY_MAX, { multiline: true }),
    authorUID: v.id("authorUID", t.authorUID),
    codeRef: t.codeRef === undefined ? null : checkCodeRef("codeRef", t.codeRef),
  };
}

/** A path inside a repo: 1-1024 characters, no control characters, no leading "/". */
export function filePath(field: string, p: unknown): string {
  const s = v.text(field, p, 1024);
  if (s === "") throw invalid(field, "must not be empty");
  if (s.startsWith("/")) throw invalid(field, "must be relative to the repo root (no leading '/')");
  return s;
}

export function checkCodeRef(field: string, c: M.CodeRef): M.CodeRef {
  v.knownKeys(field, v.object(field, c), ["repo", "path", "commitID", "startLine", "endLine"]);
  const startLine = v.int(`${field}.startLine`, c.startLine, 1, LINE_MAX);
  const ref: M.CodeRef = {
    repo: v.repoURI(`${field}.repo`, c.repo),
    path: filePath(`${field}.path`, c.path),
    commitID: v.commitID(`${field}.commitID`, c.commitID),
    startLine,
    endLine: v.int(`${field}.endLine`, c.endLine, 1, LINE_MAX),
  };
  if (ref.endLine < startLine) throw invalid(`${field}.endLine`, "must not be before startLine");
  return ref;
}

export interface CheckedThreadUpdate {
  actorUID: number;
  title?: string;
  state?: M.ThreadState;
}

export function checkThreadUpdate(u: M.ThreadUpdate): CheckedThreadUpdate {
  v.knownKeys("update", v.object("update", u), ["actorUID", "title", "state"]);
  const out: CheckedThreadUpdate = { actorUID: v.id("update.actorUID", u.actorUID) };
  if (u.title !== undefined) out.title = v.text("update.title", u.title, TITLE_MAX, { required: true });
  if (u.state !== undefined) out.state = v.oneOf("update.state", u.state, ["open", "closed"] as const);
  return out;
}

export function checkComment(c: { authorUID: number; body: string }): { authorUID: number; body: string } {
  v.knownKeys("comment", v.object("comment", c), ["authorUID", "body"]);
  return {
    authorUID: v.id("authorUID", c.authorUID),
    body: v.text("body", c.body, BODY_MAX, { multiline: true, required: true }),
  };
}

export interface CheckedPage {
  limit: number;
  /** The order of the list, which its cursors name (see lib/cursor.ts). */
  kind: string;
  /** The number (or ID) the cursor names: the page starts after it. */
  after: number | undefined;
}

/**
 * Cursor kinds of the lists keyed by one number: numbered items newest first, their children (comments)
 * oldest first. A cursor of one is invalid_input "cursor" in another.
 */
export const PAGE_KINDS = {
  threads: "threads:number:desc",
  changesets: "changesets:number:desc",
  comments: "thread-comments:id:asc",
} as const;

/** Limit and cursor of a list keyed by one number (thread and changeset numbers, comment IDs). */
export function checkPage(o: M.PageOptions, kind: string, extra: readonly string[] = []): CheckedPage {
  v.knownKeys("options", v.object("options", o), ["limit", "cursor", ...extra]);
  const limit = v.limit(o.limit);
  if (o.cursor === undefined) return { limit, kind, after: undefined };
  const key = decodeCursor(v.text("cursor", o.cursor, 1024), kind, 1);
  if (!key || !Number.isSafeInteger(key[0])) throw invalid("cursor", "is not a cursor returned by this list");
  return { limit, kind, after: key[0] as number };
}

/** Options of a list of numbered items with a state filter. */
export function checkStateList<S extends string>(
  o: M.PageOptions & { state?: S },
  states: readonly S[],
  kind: string,
): CheckedPage & { state: S | undefined } {
  const page = checkPage(o, kind, ["state"]);
  return { ...page, state: o.state === undefined ? undefined : v.oneOf("state", o.state, states) };
}
