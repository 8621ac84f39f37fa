/**
 * The graph store's contract: srclib code-intelligence data per repo commit, on a blob port.
 * Implemented once (lib/graph/graph-store.ts) for every root; test/conformance/graph.ts checks it on
 * a folder and on S3, under Node and Deno.
 *
 * Visibility: a commit becomes visible only when its import completed; readers never see part of an
 * import, a failed or crashed import leaves nothing visible, and a re-import replaces the commit in
 * one step. Orders are documented per query and are stable: byte order of the UTF-8 strings, numbers
 * numerically.
 */
import type { Page, PageOptions } from "../model.ts";
import type { Def, Doc, Ref, SourceUnit } from "./model.ts";

export type * from "./model.ts";

/** A repo at a commit. `repo` as repo URIs elsewhere (host/path, compared case-insensitively);
 *  `commit` a full commit ID: 40 or 64 hex digits (upper case is folded to lower). */
export interface CommitRef {
  repo: string;
  commit: string;
}

/** A def in the commit: its unit (type and name) and its path within the unit. */
export interface DefKeyQuery extends CommitRef {
  unitType: string;
  unit: string;
  path: string;
}

/**
 * Filters over the defs of one commit. `unitType` and `unit` go together. The first filter present
 * in this list picks the order, the others narrow it:
 * - unit: by Path;
 * - file: by DefStart, then UnitType, Unit, Path;
 * - namePrefix (case-insensitive: Unicode lower case, final ς as σ): by lower-cased Name, Name, UnitType,
 *   Unit, Path;
 * - none (all defs of the commit): by UnitType, Unit, Path.
 */
export interface DefsQuery extends CommitRef, PageOptions {
  unitType?: string;
  unit?: string;
  file?: string;
  namePrefix?: string;
}

/** The def a ref points to; `repo` defaults to the commit's repo (refs may point into other repos). */
export interface RefTarget {
  repo?: string;
  unitType: string;
  unit: string;
  path: string;
}

/**
 * Filters over the refs of one commit, with the "empty means same" rule applied (a ref's empty
 * DefRepo, DefUnitType, DefUnit is its own repo, unit type, unit). The first filter present picks
 * the order, the others narrow it:
 * - def (refs to that def, across all units): by UnitType, Unit, File, Start, End;
 * - file (refs in that file): by Start, End, UnitType, Unit;
 * - unitType + unit (refs in that unit): by File, Start, End;
 * - none (all refs of the commit): by UnitType, Unit, File, Start, End.
 * Equal refs keep the order of the import.
 */
export interface RefsQuery extends CommitRef, PageOptions {
  def?: RefTarget;
  file?: string;
  unitType?: string;
  unit?: string;
}

/** One srclib output file to import. Files not named `*.unit.json` or `*.graph.json` are ignored. */
export interface SrclibFile {
  /** Where it is, "/"-separated: pairs `<UnitType>.unit.json` with the `<UnitType>.graph.json` in
   *  the same folder, and names the file in errors. */
  path: string;
  read(): Promise<Uint8Array>;
}

export interface ImportInput extends CommitRef {
  /** A srclib build folder's files (lib/adapters/srclib-dir.ts lists one), or chosen files. */
  files: Iterable<SrclibFile> | AsyncIterable<SrclibFile>;
}

export interface ImportProgress {
  phase: "read" | "write";
  /** Files read, or objects written, so far. */
  done: number;
  total: number;
  /** srclib JSON bytes read so far. */
  bytes: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Aborting stops the import; nothing of it becomes visible. */
  signal?: AbortSignal;
}

export interface ImportSummary extends CommitRef {
  /** The id of the stored version (a re-import gets a new one). */
  version: string;
  /** True when the import replaced an earlier import of the commit. */
  replaced: boolean;
  units: number;
  defs: number;
  refs: number;
  docs: number;
  /** srclib JSON read. */
  bytesRead: number;
  /** Objects and bytes written to the root. */
  objects: number;
  bytesWritten: number;
}

/** A visible commit. */
export interface CommitInfo extends CommitRef {
  version: string;
  importedAt: Date;
  units: number;
  defs: number;
  refs: number;
  docs: number;
  /** Bytes stored for this commit. */
  bytes: number;
}

export interface GraphStore {
  /**
   * Imports srclib output for a repo at a commit, replacing an earlier import of that commit.
   * Every file is read and checked before anything is written: a file that is not valid srclib
   * output is invalid_input naming the file and what is wrong, and nothing becomes visible.
   */
  import(input: ImportInput, options?: ImportOptions): Promise<ImportSummary>;

  /** Visible commits, of one repo or of all, by repo (lower-cased) then commit. */
  commits(options?: { repo?: string }): Promise<CommitInfo[]>;

  /** Repos with at least one visible commit, by lower-cased repo; each as its latest import gave it. */
  repos(): Promise<string[]>;

  /** The commit's units, by Type then Name. not_found when the commit is not stored. */
  units(at: CommitRef): Promise<SourceUnit[]>;

  /** One def by its key; not_found when the commit or the def is not stored. */
  def(key: DefKeyQuery): Promise<Def>;

  /** not_found when the commit is not stored; a unit or file without defs gives an empty page. A cursor
   *  made before the commit was re-imported is conflict (start again); one of another query invalid_input. */
  defs(query: DefsQuery): Promise<Page<Def>>;

  /** not_found when the commit is not stored; cursors as for defs(). */
  refs(query: RefsQuery): Promise<Page<Ref>>;

  /** Every doc attached to the key (path may be "" for docs of a unit or file), in import order; [] when
   *  none, not_found when the commit is not stored. */
  docs(key: DefKeyQuery): Promise<Doc[]>;

  /** Removes the commit's data; false when it was not stored. */
  deleteCommit(at: CommitRef): Promise<boolean>;

  /** The root, for messages ("s3://bucket/prefix", a folder path). */
  readonly location: string;

  close(): Promise<void>;
}
