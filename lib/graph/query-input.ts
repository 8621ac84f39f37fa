/**
 * Checks of graph-store query input, before anything is read: a bad value is invalid_input naming
 * its field. The same limits bound what an import accepts (lib/graph/srclib-check.ts), so every
 * imported def, ref and doc can be asked for.
 */
import type { CommitRef, DefKeyQuery } from "./store.ts";
import { invalid } from "../errors.ts";
import * as v from "../validate.ts";

/** Unit types and unit names: non-empty, at most this many characters. */
export const MAX_UNIT = 1024;
/** Def paths and file paths: at most this many characters ("" allowed). */
export const MAX_PATH = 4096;
export const MAX_NAME_PREFIX = 256;
const MAX_CURSOR = 4096;

const CONTROL = /[\x00-\x1f\x7f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const COMMIT = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** What is wrong with a key string (unit type, unit, path, file), or undefined when it is fine. */
export function keyTextProblem(s: string, max: number, nonEmpty: boolean): string | undefined {
  if (nonEmpty && s.length === 0) return "must not be empty";
  if (s.length > max) return `must be at most ${max} characters`;
  if (CONTROL.test(s)) return "must not contain control characters";
  if (LONE_SURROGATE.test(s)) return "must be well-formed Unicode (no unpaired surrogate)";
  return undefined;
}

function keyText(field: string, s: unknown, max: number, nonEmpty: boolean): string {
  if (typeof s !== "string") throw invalid(field, "must be a string");
  const problem = keyTextProblem(s, max, nonEmpty);
  if (problem) throw invalid(field, problem);
  return s;
}

export const checkUnitType = (field: string, s: unknown): string => keyText(field, s, MAX_UNIT, true);
export const checkUnit = (field: string, s: unknown): string => keyText(field, s, MAX_UNIT, true);
export const checkPath = (field: string, s: unknown): string => keyText(field, s, MAX_PATH, false);

/** A repo URI (lib/validate.ts repoURI, well-formed Unicode), as given. */
export function checkRepo(field: string, r: unknown): string {
  const s = v.repoURI(field, r);
  if (LONE_SURROGATE.test(s)) throw invalid(field, "must be valid Unicode text");
  return s;
}

/** A full commit ID: 40 or 64 hex digits, returned lower-cased. */
export function checkCommit(field: string, c: unknown): string {
  if (typeof c !== "string" || !COMMIT.test(c)) throw invalid(field, "must be 40 or 64 hex digits");
  return c.toLowerCase();
}

/** `{ repo, commit }` and nothing else. */
export function checkCommitRef(at: unknown): CommitRef {
  const o = v.object("at", at);
  v.knownKeys("at", o, ["repo", "commit"]);
  return { repo: checkRepo("repo", o.repo), commit: checkCommit("commit", o.commit) };
}

/** The options of commits(): an optional repo. */
export function checkCommitsOptions(options: unknown): { repo: string | undefined } {
  if (options === undefined) return { repo: undefined };
  const o = v.object("options", options);
  v.knownKeys("options", o, ["repo"]);
  return { repo: o.repo === undefined ? undefined : checkRepo("repo", o.repo) };
}

export function checkDefKey(key: unknown): DefKeyQuery {
  const o = v.object("key", key);
  v.knownKeys("key", o, ["repo", "commit", "unitType", "unit", "path"]);
  return {
    repo: checkRepo("repo", o.repo),
    commit: checkCommit("commit", o.commit),
    unitType: checkUnitType("unitType", o.unitType),
    unit: checkUnit("unit", o.unit),
    path: checkPath("path", o.path),
  };
}

export interface CheckedDefsQuery extends CommitRef {
  unitType?: string;
  unit?: string;
  file?: string;
  namePrefix?: string;
  limit: number;
  cursor?: string;
}

export interface CheckedRefTarget {
  /** The commit's repo when the query gave none. */
  repo: string;
  unitType: string;
  unit: string;
  path: string;
}

export interface CheckedRefsQuery extends CommitRef {
  def?: CheckedRefTarget;
  file?: string;
  unitType?: string;
  unit?: string;
  limit: number;
  cursor?: string;
}

export function checkDefsQuery(query: unknown): CheckedDefsQuery {
  const o = v.object("query", query);
  v.knownKeys("query", o, ["repo", "commit", "unitType", "unit", "file", "namePrefix", "limit", "cursor"]);
  const q: CheckedDefsQuery = { ...commitOf(o), ...unitOf(o), limit: v.limit(o.limit) };
  if (o.file !== undefined) q.file = checkPath("file", o.file);
  if (o.namePrefix !== undefined) q.namePrefix = keyText("namePrefix", o.namePrefix, MAX_NAME_PREFIX, false);
  if (o.cursor !== undefined) q.cursor = cursorOf(o.cursor);
  return q;
}

export function checkRefsQuery(query: unknown): CheckedRefsQuery {
  const o = v.object("query", query);
  v.knownKeys("query", o, ["repo", "commit", "def", "file", "unitType", "unit", "limit", "cursor"]);
  const at = commitOf(o);
  const q: CheckedRefsQuery = { ...at, ...unitOf(o), limit: v.limit(o.limit) };
  if (o.def !== undefined) {
    const d = v.object("def", o.def);
    v.knownKeys("def", d, ["repo", "unitType", "unit", "path"]);
    q.def = {
      // Any DefRepo an import keeps can be asked for: srclib writes more than repo URIs there ("?").
      repo: d.repo === undefined ? at.repo : keyText("def.repo", d.repo, MAX_UNIT, true),
      unitType: checkUnitType("def.unitType", d.unitType),
      unit: checkUnit("def.unit", d.unit),
      path: checkPath("def.path", d.path),
    };
  }
  if (o.file !== undefined) q.file = checkPath("file", o.file);
  if (o.cursor !== undefined) q.cursor = cursorOf(o.cursor);
  return q;
}

const commitOf = (o: Record<string, unknown>): CommitRef =>
  ({ repo: checkRepo("repo", o.repo), commit: checkCommit("commit", o.commit) });

/** unitType and unit name one unit: both or neither. */
function unitOf(o: Record<string, unknown>): { unitType?: string; unit?: string } {
  if (o.unitType === undefined && o.unit === undefined) return {};
  if (o.unit === undefined) throw invalid("unit", "must be given with unitType");
  if (o.unitType === undefined) throw invalid("unitType", "must be given with unit");
  return { unitType: checkUnitType("unitType", o.unitType), unit: checkUnit("unit", o.unit) };
}

function cursorOf(c: unknown): string {
  if (typeof c !== "string" || c.length === 0 || c.length > MAX_CURSOR) {
    throw invalid("cursor", "is not a cursor returned by this query");
  }
  return c;
}
