/** Checks of changeset inputs, shared by every backend. */
import type * as M from "../model.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";
import { BODY_MAX, LINE_MAX, TITLE_MAX, filePath } from "./threads.ts";

/** At most this many line comments in one review. */
export const MAX_LINE_COMMENTS = 1000;

export type CheckedNewChangeset = Required<M.NewChangeset>;

export function checkNewChangeset(c: M.NewChangeset): CheckedNewChangeset {
  v.knownKeys("changeset", v.object("changeset", c), ["title", "description", "authorUID", "base", "head"]);
  return {
    title: v.text("title", c.title, TITLE_MAX, { required: true }),
    description: v.optText("description", c.description, BODY_MAX, { multiline: true }),
    authorUID: v.id("authorUID", c.authorUID),
    base: checkRevSpec("base", c.base),
    head: checkRevSpec("head", c.head),
  };
}

/** A branch (1-255 characters, no control characters) and a commit ID. */
export function checkRevSpec(field: string, r: M.RevSpec): M.RevSpec {
  v.knownKeys(field, v.object(field, r), ["branch", "commitID"]);
  return {
    branch: v.text(`${field}.branch`, r.branch, 255, { required: true }),
    commitID: v.commitID(`${field}.commitID`, r.commitID),
  };
}

export function checkChangesetUpdate(u: M.ChangesetUpdate): M.ChangesetUpdate {
  v.knownKeys("update", v.object("update", u), ["actorUID", "title", "description", "state", "base", "head"]);
  const out: M.ChangesetUpdate = { actorUID: v.id("update.actorUID", u.actorUID) };
  if (u.title !== undefined) out.title = v.text("update.title", u.title, TITLE_MAX, { required: true });
  if (u.description !== undefined) out.description = v.text("update.description", u.description, BODY_MAX, { multiline: true });
  if (u.state !== undefined) out.state = v.oneOf("update.state", u.state, ["open", "closed", "merged"] as const);
  if (u.base !== undefined) out.base = checkRevSpec("update.base", u.base);
  if (u.head !== undefined) out.head = checkRevSpec("update.head", u.head);
  return out;
}

/** A review needs a body (not blank) or at least one line comment. */
export function checkNewReview(r: M.NewReview): Required<M.NewReview> {
  v.knownKeys("review", v.object("review", r), ["authorUID", "body", "comments"]);
  const authorUID = v.id("authorUID", r.authorUID);
  const body = v.optText("body", r.body, BODY_MAX, { multiline: true });
  if (r.comments !== undefined && !Array.isArray(r.comments)) throw invalid("comments", "must be an array");
  const list = r.comments ?? [];
  if (list.length > MAX_LINE_COMMENTS) throw invalid("comments", `must have at most ${MAX_LINE_COMMENTS} line comments`);
  const comments = list.map((c, i): M.LineComment => {
    const f = `comments[${i}]`;
    v.knownKeys(f, v.object(f, c), ["path", "line", "body"]);
    return {
      path: filePath(`${f}.path`, c.path),
      line: v.int(`${f}.line`, c.line, 1, LINE_MAX),
      body: v.text(`${f}.body`, c.body, BODY_MAX, { multiline: true, required: true }),
    };
  });
  if (body.trim() === "" && comments.length === 0) throw invalid("review", "needs a body or at least one line comment");
  return { authorUID, body, comments };
}
