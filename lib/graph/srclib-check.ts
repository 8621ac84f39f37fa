/**
 * Checks one srclib output file (a parsed `<UnitType>.unit.json` or `<UnitType>.graph.json`) and
 * turns it into the records of lib/graph/model.ts. Missing and null fields take Go's zero values, as
 * srclib's own decoder gives them. Every problem is invalid_input on field "files", message
 * `<path>: <where>: <what>`; the first one found wins.
 */
import type { Def, Doc, Ref, SourceUnit } from "./model.ts";
import { invalid, type StoreError } from "../errors.ts";
import { keyTextProblem, MAX_PATH, MAX_UNIT } from "./query-input.ts";
import { jsonSyntaxError } from "./json-error.ts";

type Obj = Record<string, unknown>;

/** Names the file and the place in it. */
export function bad(file: string, where: string, what: string): StoreError {
  return invalid("files", where === "" ? `${file}: ${what}` : `${file}: ${where}: ${what}`);
}

const MAX_U32 = 4294967295;
/** A lone surrogate can only come from a \uD800-\uDFFF escape: skip the scan when there is none. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /\p{Cs}/u;

/** The JSON text of a file as a value: UTF-8, JSON, no lone surrogate anywhere. */
export function parseJSON(file: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bad(file, "", "not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw bad(file, "", `not valid JSON: ${jsonSyntaxError(text, e)}`);
  }
  if (SURROGATE_ESCAPE.test(text)) {
    const at = loneSurrogateAt(value, "");
    if (at !== undefined) throw bad(file, at, "must be well-formed Unicode (no unpaired surrogate)");
  }
  return value;
}

function loneSurrogateAt(value: unknown, where: string): string | undefined {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? where || "(top level)" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = loneSurrogateAt(value[i], `${where}[${i}]`);
      if (at !== undefined) return at;
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [k, x] of Object.entries(value)) {
      const sub = /^[A-Za-z_$][\w$]*$/.test(k) ? (where === "" ? k : `${where}.${k}`) : `${where}[${JSON.stringify(k)}]`;
      if (LONE_SURROGATE.test(k)) return sub;
      const at = loneSurrogateAt(x, sub);
      if (at !== undefined) return at;
    }
  }
  return undefined;
}

/** Field readers for one file; `where` prefixes the field name ("Defs[3]"). */
class Fields {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  object(v: unknown, where: string): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw bad(this.file, where, `must be a JSON object, not ${Array.isArray(v) ? "an array" : v === null ? "null" : typeof v}`);
    }
    return v as Obj;
  }

  /** null and absent are [] (Go's nil slice). */
  array(o: Obj, key: string, where: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw bad(this.file, at(where, key), "must be an array");
    return v;
  }

  /** null and absent are "" unless `required`; `key` limits apply to strings that identify things. */
  str(o: Obj, k: string, where: string, opt: { required?: boolean; key?: { max: number; nonEmpty: boolean } } = {}): string {
    const v = o[k];
    if (v === undefined || v === null) {
      if (opt.required) throw bad(this.file, at(where, k), "is missing");
      if (opt.key?.nonEmpty) throw bad(this.file, at(where, k), "must not be empty");
      return "";
    }
    if (typeof v !== "string") throw bad(this.file, at(where, k), "must be a string");
    const problem = opt.key && keyTextProblem(v, opt.key.max, opt.key.nonEmpty);
    if (problem) throw bad(this.file, at(where, k), problem);
    return v;
  }

  u32(o: Obj, k: string, where: string): number {
    const v = o[k];
    if (v === undefined || v === null) return 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_U32) {
      throw bad(this.file, at(where, k), "must be an integer 0..4294967295");
    }
    return v;
  }

  bool(o: Obj, k: string, where: string): boolean {
    const v = o[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") throw bad(this.file, at(where, k), "must be true or false");
    return v;
  }
}

const at = (where: string, key: string) => (where === "" ? key : `${where}.${key}`);
const UNIT = { max: MAX_UNIT, nonEmpty: true };
const UNIT_OR_EMPTY = { max: MAX_UNIT, nonEmpty: false };
const PATH = { max: MAX_PATH, nonEmpty: false };
const DEF_PATH = { max: MAX_PATH, nonEmpty: true };

/** A unit file; `unitType` is the UnitType of its file name. Fields other than these are kept verbatim. */
export function checkUnitFile(file: string, json: unknown, unitType: string): SourceUnit {
  const f = new Fields(file);
  const o = f.object(json, "");
  const Name = f.str(o, "Name", "", { required: true, key: UNIT });
  const Type = f.str(o, "Type", "", { required: true, key: UNIT });
  if (Type !== unitType) {
    throw bad(file, "Type", `is ${JSON.stringify(Type)}, but the file is named ${unitType}.unit.json`);
  }
  const Files = f.array(o, "Files", "").map((x, i) => {
    if (typeof x !== "string") throw bad(file, `Files[${i}]`, "must be a string");
    return x;
  });
  return { ...o, Name, Type, Files, Dir: f.str(o, "Dir", "") };
}

/**
 * A graph file's records. Repo and CommitID are the import's; the unit's type and name are left ""
 * where the unit fills them (fillUnit), since the unit file may come later.
 */
export interface CheckedGraph {
  defs: Def[];
  refs: Ref[];
  docs: Doc[];
}

export function checkGraphFile(file: string, json: unknown, repo: string, commit: string): CheckedGraph {
  const f = new Fields(file);
  const o = f.object(json, "");
  const defs: Def[] = [];
  const docs: Doc[] = [];
  const paths = new Map<string, number>();
  f.array(o, "Defs", "").forEach((x, i) => {
    const w = `Defs[${i}]`;
    const d = f.object(x, w);
    // Checked for their type only: a def belongs to the unit of its graph file, in this import.
    for (const k of ["Repo", "CommitID", "UnitType", "Unit"]) f.str(d, k, w);
    const Path = f.str(d, "Path", w, { required: true, key: DEF_PATH });
    const first = paths.get(Path);
    if (first !== undefined) throw bad(file, `${w}.Path`, `${JSON.stringify(Path)} is also the path of Defs[${first}]`);
    paths.set(Path, i);
    const File = f.str(d, "File", w, { key: PATH });
    defs.push({
      Repo: repo, CommitID: commit, UnitType: "", Unit: "", Path,
      Name: f.str(d, "Name", w, { required: true }),
      Kind: f.str(d, "Kind", w),
      File,
      DefStart: f.u32(d, "DefStart", w),
      DefEnd: f.u32(d, "DefEnd", w),
      Exported: f.bool(d, "Exported", w),
      Local: f.bool(d, "Local", w),
      Test: f.bool(d, "Test", w),
      Data: d.Data === undefined || d.Data === null ? {} : d.Data,
      TreePath: f.str(d, "TreePath", w),
      Docs: [],
    });
    // srclib's Def may carry its docs inline; they become docs of its key (none dropped).
    f.array(d, "Docs", w).forEach((y, j) => {
      const dw = `${w}.Docs[${j}]`;
      const dd = f.object(y, dw);
      docs.push({
        Repo: repo, CommitID: commit, UnitType: "", Unit: "", Path,
        Format: f.str(dd, "Format", dw), Data: f.str(dd, "Data", dw), File: "", Start: 0, End: 0, DocUnit: "",
      });
    });
  });
  const refs = f.array(o, "Refs", "").map((x, i): Ref => {
    const w = `Refs[${i}]`;
    const r = f.object(x, w);
    for (const k of ["Repo", "CommitID", "UnitType", "Unit"]) f.str(r, k, w);
    return {
      DefRepo: f.str(r, "DefRepo", w, { key: UNIT_OR_EMPTY }),
      DefUnitType: f.str(r, "DefUnitType", w, { key: UNIT_OR_EMPTY }),
      DefUnit: f.str(r, "DefUnit", w, { key: UNIT_OR_EMPTY }),
      DefPath: f.str(r, "DefPath", w, { required: true, key: PATH }),
      Def: f.bool(r, "Def", w),
      Repo: repo, CommitID: commit, UnitType: "", Unit: "",
      File: f.str(r, "File", w, { key: PATH }),
      Start: f.u32(r, "Start", w),
      End: f.u32(r, "End", w),
    };
  });
  f.array(o, "Docs", "").forEach((x, i) => {
    const w = `Docs[${i}]`;
    const d = f.object(x, w);
    for (const k of ["Repo", "CommitID"]) f.str(d, k, w);
    docs.push({
      Repo: repo, CommitID: commit,
      UnitType: f.str(d, "UnitType", w, { key: UNIT_OR_EMPTY }),
      Unit: f.str(d, "Unit", w, { key: UNIT_OR_EMPTY }),
      Path: f.str(d, "Path", w, { key: PATH }),
      Format: f.str(d, "Format", w),
      Data: f.str(d, "Data", w),
      File: f.str(d, "File", w, { key: PATH }),
      Start: f.u32(d, "Start", w),
      End: f.u32(d, "End", w),
      DocUnit: f.str(d, "DocUnit", w, { key: UNIT_OR_EMPTY }),
    });
  });
  return { defs, refs, docs };
}

/** Gives a graph file's records their unit: srclib's "empty means same", field by field. */
export function fillUnit(g: CheckedGraph, unit: SourceUnit, repo: string): void {
  for (const d of g.defs) {
    d.UnitType = unit.Type;
    d.Unit = unit.Name;
  }
  for (const r of g.refs) {
    r.UnitType = unit.Type;
    r.Unit = unit.Name;
    if (r.DefRepo === "") r.DefRepo = repo;
    if (r.DefUnitType === "") r.DefUnitType = unit.Type;
    if (r.DefUnit === "") r.DefUnit = unit.Name;
  }
  for (const d of g.docs) {
    if (d.UnitType === "") d.UnitType = unit.Type;
    if (d.Unit === "") d.Unit = unit.Name;
    if (d.DocUnit === "") d.DocUnit = unit.Name;
  }
}
