/**
 * `src graph ...` queries and deletion: one graph-store call per command (the import is in
 * cli/graph-import.ts). Option values are read as typed (graph-open.ts stringOption), output is a
 * table or JSON Lines (graph-output.ts).
 */
import type { CommitRef, GraphStore } from "../lib/graph/store.ts";
import type { Page } from "../lib/model.ts";
import { notFound } from "../lib/errors.ts";
import { confirmDeletion } from "./confirm.ts";
import { commitRef, guarded, limitOption, stringOption, withGraph } from "./graph-open.ts";
import { cell, count, printCommits, printDefs, printDocs, printRefs, printUnits } from "./graph-output.ts";
import { UsageError } from "./output.ts";

export { graphImport } from "./graph-import.ts";

interface ListFlags {
  json?: boolean;
  all?: boolean;
}

export const graphUnits = guarded(async (o: { json?: boolean }): Promise<void> => {
  const at = commitRef();
  await withGraph({}, async (g) => printUnits(await g.units(at), o.json === true));
});

export const graphDefs = guarded(async (o: ListFlags): Promise<void> => {
  const at = commitRef();
  const unit = unitOption("unit-type", "unit");
  const path = stringOption("path");
  const file = stringOption("file");
  const namePrefix = stringOption("name-prefix");
  if (path !== undefined) {
    if (!unit) throw new UsageError("--path names one def: give --unit-type and --unit with it");
    if (file !== undefined || namePrefix !== undefined || o.all || stringOption("cursor") !== undefined) {
      throw new UsageError("--path names one def: --file, --name-prefix, --cursor and --all do not go with it");
    }
    return withGraph({}, async (g) => printDefs({ items: [await g.def({ ...at, ...unit, path })] }, o.json === true));
  }
  const query = { ...at, ...unit, ...(file !== undefined ? { file } : {}), ...(namePrefix !== undefined ? { namePrefix } : {}) };
  const paging = pagingOptions(o);
  await withGraph({}, async (g) => {
    if (await paged((page) => g.defs({ ...query, ...page }), printDefs, paging) === 0) await noSuchUnit(g, at, unit, paging);
  });
});

export const graphRefs = guarded(async (o: ListFlags): Promise<void> => {
  const at = commitRef();
  const target = unitOption("def-unit-type", "def-unit");
  const defPath = stringOption("def-path");
  const defRepo = stringOption("def-repo");
  if ((target === undefined) !== (defPath === undefined)) {
    throw new UsageError("refs to a def: give --def-unit-type, --def-unit and --def-path together");
  }
  if (defRepo !== undefined && defPath === undefined) throw new UsageError("--def-repo goes with --def-unit-type, --def-unit and --def-path");
  const file = stringOption("file");
  const unit = unitOption("unit-type", "unit");
  const query = {
    ...at,
    ...(target && defPath !== undefined ? { def: { ...target, path: defPath, ...(defRepo !== undefined ? { repo: defRepo } : {}) } } : {}),
    ...(file !== undefined ? { file } : {}),
    ...unit,
  };
  const paging = pagingOptions(o);
  await withGraph({}, async (g) => {
    if (await paged((page) => g.refs({ ...query, ...page }), printRefs, paging) === 0) await noSuchUnit(g, at, unit, paging);
  });
});

export const graphDocs = guarded(async (o: { json?: boolean }): Promise<void> => {
  const at = commitRef();
  const unit = unitOption("unit-type", "unit");
  if (!unit) throw new UsageError("--unit-type and --unit are required");
  const path = stringOption("path") ?? "";
  await withGraph({}, async (g) => {
    const docs = await g.docs({ ...at, ...unit, path });
    printDocs(docs, o.json === true);
    if (docs.length === 0) await noSuchUnit(g, at, unit, { cursor: undefined });
  });
});

export const graphLs = guarded(async (o: { json?: boolean }): Promise<void> => {
  const repo = stringOption("repo");
  await withGraph({}, async (g) => printCommits(await g.commits(repo !== undefined ? { repo } : {}), o.json === true));
});

export const graphRm = guarded(async (o: { yes?: boolean }): Promise<void> => {
  const at = commitRef();
  await withGraph({}, async (g) => {
    const stored = await storedCommit(g, at);
    await confirmDeletion(`the graph data of ${stored.repo}@${stored.commit} in ${g.location}`, o.yes === true);
    if (!(await g.deleteCommit(at))) throw notFound(`${at.repo}@${at.commit} in ${g.location}`);
    const counts = [count(stored.units, "unit"), count(stored.defs, "def"), count(stored.refs, "ref"), count(stored.docs, "doc")];
    console.log(`removed ${stored.repo}@${stored.commit} (${counts.join(", ")}) from ${g.location}`);
  });
});

// ---- internals -----------------------------------------------------------------------------------

/** A unit named by a type option and a name option, which go together. */
function unitOption(typeFlag: string, nameFlag: string): { unitType: string; unit: string } | undefined {
  const unitType = stringOption(typeFlag);
  const unit = stringOption(nameFlag);
  if ((unitType === undefined) !== (unit === undefined)) throw new UsageError(`--${typeFlag} and --${nameFlag} go together`);
  return unitType !== undefined && unit !== undefined ? { unitType, unit } : undefined;
}

/**
 * After an empty answer for a unit: say on stderr when the commit has no such unit (a typo, or a
 * unit of another commit), which an empty answer alone cannot tell from a unit without results.
 * The exit status stays 0: the answer itself is right.
 */
async function noSuchUnit(g: GraphStore, at: CommitRef, unit: { unitType: string; unit: string } | undefined, o: { cursor: string | undefined }): Promise<void> {
  if (!unit || o.cursor !== undefined) return;
  if ((await g.units(at)).some((u) => u.Type === unit.unitType && u.Name === unit.unit)) return;
  process.stderr.write(cell(`note: ${at.repo}@${at.commit} has no unit ${unit.unitType} ${JSON.stringify(unit.unit)} (see "src graph units")`) + "\n");
}

/** The commit as listed, so the prompt and the message show it as imported; not_found when absent. */
async function storedCommit(g: GraphStore, at: CommitRef) {
  await g.units(at); // validates repo and commit, and says not_found for a commit that is not stored
  const key = (c: CommitRef) => `${c.repo.toLowerCase()}\0${c.commit.toLowerCase()}`;
  const found = (await g.commits({ repo: at.repo })).find((c) => key(c) === key(at));
  if (!found) throw notFound(`${at.repo}@${at.commit} in ${g.location}`);
  return found;
}

interface Paging {
  json: boolean;
  all: boolean;
  limit: number | undefined;
  cursor: string | undefined;
}

/** Read (and checked) before the root is opened, like every other option. */
function pagingOptions(o: ListFlags): Paging {
  return { json: o.json === true, all: o.all === true, limit: limitOption(), cursor: stringOption("cursor") };
}

/**
 * One page (--limit, --cursor), or with --all every page from there on: JSON Lines are printed as
 * pages arrive, a table once at the end (its columns are aligned over every row). Returns the number
 * of rows printed.
 */
async function paged<T>(
  fetch: (page: { limit?: number; cursor?: string }) => Promise<Page<T>>,
  print: (page: Page<T>, json: boolean) => void,
  o: Paging,
): Promise<number> {
  let cursor = o.cursor;
  const page = () => ({ ...(cursor !== undefined ? { cursor } : {}), ...(o.limit !== undefined ? { limit: o.limit } : o.all ? { limit: 1000 } : {}) });
  if (!o.all) {
    const p = await fetch(page());
    print(p, o.json);
    return p.items.length;
  }
  const rows: T[] = [];
  let n = 0;
  do {
    const p = await fetch(page());
    n += p.items.length;
    if (o.json) print({ items: p.items }, true);
    else rows.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  if (!o.json) print({ items: rows }, false);
  return n;
}
