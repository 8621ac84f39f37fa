/**
 * Synthetic srclib output in memory, for graph-store tests and benchmarks: `units` Go-like units of
 * `defsPerUnit` defs each (in `filesPerUnit` files), `refsPerDef` refs per def (to defs of the same unit,
 * written with empty DefUnit/DefUnitType as srclib does, and one in three to the next unit), and a doc
 * on every `docEvery`-th def. `variant` marks every record, so two imports can be told apart.
 */
import type { SrclibFile } from "../../lib/graph/store.ts";

export interface SynthOptions {
  units: number;
  defsPerUnit: number;
  refsPerDef: number;
  filesPerUnit?: number;
  docEvery?: number;
  variant?: string;
}

const enc = new TextEncoder();
const pad = (n: number) => String(n).padStart(5, "0");

export const synthUnit = (i: number): string => `example.com/synth/pkg${pad(i)}`;
export const synthPath = (j: number): string => `F${pad(j)}`;
export const synthFile = (i: number, f: number): string => `pkg${pad(i)}/file${f}.go`;

export function synthFiles(o: SynthOptions): SrclibFile[] {
  const files: SrclibFile[] = [];
  const perFile = o.filesPerUnit ?? 8;
  const docEvery = o.docEvery ?? 3;
  const variant = o.variant ?? "a";
  for (let i = 0; i < o.units; i++) {
    const name = synthUnit(i);
    const unitFiles = Array.from({ length: perFile }, (_, f) => synthFile(i, f));
    const unit = { Name: name, Type: "GoPackage", Files: unitFiles, Dir: `pkg${pad(i)}`, Data: { variant } };
    const Defs = [], Refs = [], Docs = [];
    for (let j = 0; j < o.defsPerUnit; j++) {
      const file = synthFile(i, j % perFile);
      const start = Math.floor(j / perFile) * 100;
      Defs.push({
        Path: synthPath(j), Name: `Func${j}`, Kind: "func", File: file, DefStart: start, DefEnd: start + 40,
        Exported: j % 2 === 0, Data: { variant }, TreePath: synthPath(j),
      });
      for (let k = 0; k < o.refsPerDef; k++) {
        const other = k % 3 === 2 && o.units > 1;
        Refs.push({
          DefRepo: "", DefUnitType: other ? "GoPackage" : "", DefUnit: other ? synthUnit((i + 1) % o.units) : "",
          DefPath: synthPath((j + k) % o.defsPerUnit), Def: k === 0,
          File: file, Start: start + 10 + k * 5, End: start + 14 + k * 5,
        });
      }
      if (j % docEvery === 0) Docs.push({ Path: synthPath(j), Format: "text/plain", Data: `Func${j} does thing ${j} (${variant}).` });
    }
    files.push(mem(`${name}/GoPackage.unit.json`, unit), mem(`${name}/GoPackage.graph.json`, { Defs, Refs, Docs }));
  }
  return files;
}

const mem = (path: string, v: unknown): SrclibFile => {
  const bytes = enc.encode(JSON.stringify(v));
  return { path, read: async () => bytes };
};
