/**
 * srclib's data model with srclib's JSON field names, as the graph store returns it: every field is
 * present (srclib's Go structs decode a missing field as its zero value, and so do we), and the
 * unit, repo and commit of every def, ref and doc are filled in (the "empty means same" rules).
 */

/** A source unit as srclib's scanner writes it (`<UnitType>.unit.json`). Extra fields are kept. */
export interface SourceUnit {
  Name: string;
  Type: string;
  /** Files of the unit, repo-relative. */
  Files: string[];
  /** The unit's directory, repo-relative ("" when not given). */
  Dir: string;
  /** Whatever else the toolchain recorded (Dependencies, Data, Ops, Config, Info, ...), verbatim. */
  [field: string]: unknown;
}

/** What identifies a def: the key queries take. */
export interface DefKey {
  Repo: string;
  CommitID: string;
  UnitType: string;
  Unit: string;
  Path: string;
}

/** One of a def's docs as attached to it: all of them, in import order (none collapsed by format). */
export interface DefDoc {
  Format: string;
  Data: string;
}

export interface Def extends DefKey {
  Name: string;
  Kind: string;
  /** Repo-relative file; for a package def, its folder. */
  File: string;
  DefStart: number;
  DefEnd: number;
  Exported: boolean;
  Local: boolean;
  Test: boolean;
  /** Toolchain-specific JSON ({} when absent). */
  Data: unknown;
  TreePath: string;
  Docs: DefDoc[];
}

export interface Ref {
  DefRepo: string;
  DefUnitType: string;
  DefUnit: string;
  DefPath: string;
  /** True when the ref spans the name of the def it points to (its definition). */
  Def: boolean;
  Repo: string;
  CommitID: string;
  UnitType: string;
  Unit: string;
  File: string;
  Start: number;
  End: number;
}

/** A doc as stored: attached to the def key (UnitType, Unit, Path) it names, found or not. */
export interface Doc extends DefKey {
  /** MIME type or toolchain name ("text/html", "plaintext"); "" when the toolchain gave none. */
  Format: string;
  Data: string;
  File: string;
  Start: number;
  End: number;
  /** The unit whose graph output held the doc. */
  DocUnit: string;
}
