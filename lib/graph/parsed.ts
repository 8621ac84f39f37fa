/**
 * What reading srclib output produces (lib/graph/srclib-input.ts) and the index builder consumes
 * (lib/graph/import.ts): checked, normalized records of one commit, nothing written yet.
 */
import type { Def, Doc, Ref, SourceUnit } from "./model.ts";

export interface ParsedUnit {
  unit: SourceUnit;
  /** Repo, CommitID, UnitType, Unit set from the import and the unit; Docs empty (attached later). */
  defs: Def[];
  /** Every field filled: own Repo/CommitID/UnitType/Unit, and the empty-means-same rule applied. */
  refs: Ref[];
  /** Key filled (UnitType, Unit from the unit when empty); DocUnit the unit's name when empty. */
  docs: Doc[];
  /** The files it came from, as given in SrclibFile.path. */
  unitFile: string;
  graphFile: string;
}

export interface ParsedCommit {
  /** As given (validated); the commit lower-cased. */
  repo: string;
  commit: string;
  /** By Type, then Name (UTF-8 byte order). */
  units: ParsedUnit[];
  /** srclib JSON bytes read (unit and graph files). */
  bytesRead: number;
}
