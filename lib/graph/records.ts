/**
 * Defs, refs and docs as stored in a version's objects: without Repo and CommitID, which every
 * record of a commit shares; reads put back the repo as the latest import gave it.
 */
import type { Def, Doc, Ref, SourceUnit } from "./model.ts";

export type StoredDef = Omit<Def, "Repo" | "CommitID">;
export type StoredRef = Omit<Ref, "Repo" | "CommitID">;
export type StoredDoc = Omit<Doc, "Repo" | "CommitID">;

/** units.json */
export interface UnitEntry {
  id: string;
  unit: SourceUnit;
  defs: number;
  refs: number;
  docs: number;
}

/** k/<shard>.json: the defs and docs whose key (UnitType, Unit, Path) falls in the shard. */
export interface KeyShard {
  defs: StoredDef[];
  docs: StoredDoc[];
}

/** f/<shard>.json: the defs and refs whose File falls in the shard. */
export interface FileShard {
  defs: StoredDef[];
  refs: StoredRef[];
}

/** n/index.json: the lower-cased Name of each chunk's first def. */
export interface NameIndex {
  first: string[];
}

export function strip<T extends { Repo: string; CommitID: string }>(r: T): Omit<T, "Repo" | "CommitID"> {
  const { Repo: _r, CommitID: _c, ...rest } = r;
  return rest;
}

export interface CommitOf {
  repo: string;
  commit: string;
}

export const toDef = (at: CommitOf, d: StoredDef): Def => ({ Repo: at.repo, CommitID: at.commit, ...d });
export const toDoc = (at: CommitOf, d: StoredDoc): Doc => ({ Repo: at.repo, CommitID: at.commit, ...d });
export const toRef = (at: CommitOf, r: StoredRef): Ref => {
  const { DefRepo, DefUnitType, DefUnit, DefPath, Def, ...own } = r;
  return { DefRepo, DefUnitType, DefUnit, DefPath, Def, Repo: at.repo, CommitID: at.commit, ...own };
};

/** The key a def or doc is found by in k/. */
export const defKeyOf = (r: { UnitType: string; Unit: string; Path: string }): string[] => [r.UnitType, r.Unit, r.Path];

/** The key of the def a ref points to, as t/ shards it (repo lower-cased). */
export const targetOf = (r: StoredRef): string[] => [r.DefRepo.toLowerCase(), r.DefUnitType, r.DefUnit, r.DefPath];
