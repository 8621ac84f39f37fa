/**
 * Graph data (srclib code intelligence) of a repo, under `${REPO}/-/graph`. It is visible exactly
 * when the repo is: the repo must be in the repos store and readable by the caller (a private repo is
 * 404 to others, as everywhere). Importing and deleting a commit's data needs a site admin.
 *
 * The graph store is keyed by the repo's URI as the repos store spells it; the commit is checked by
 * the graph store (40 or 64 hex digits, else 400).
 */
import type { RefTarget, SrclibFile } from "../../graph/store.ts";
import { StoreError } from "../../errors.ts";
import { REPO, type App, type Ctx } from "../context.ts";
import { repoFor, requireAdmin } from "../access.ts";
import { fields, pageOptions, queryOf, readBytes, readJson } from "../body.ts";
import { badRequest } from "../http-error.ts";

/** An import's whole request body, either form. */
const IMPORT_LIMIT = 256 * 1024 * 1024;

const AT = `${REPO}/-/graph/:commit`;

/**
 * The repo, the graph store and the commit of the path, with the query parameters `query`. The repo
 * comes first (404 for a private one, whatever else is wrong), then an admin check when asked.
 */
async function readAt(c: Ctx, query: readonly string[], o: { admin?: boolean } = {}) {
  const { repo } = await repoFor(c, "read");
  if (o.admin) requireAdmin(c);
  const q = queryOf(c, query);
  const graph = await c.var.deps.graph();
  return { repo, graph, q, at: { repo: repo.uri, commit: c.req.param("commit") ?? "" } };
}

export function graphRoutes(app: App): void {
  app.get(`${REPO}/-/graph`, async (c) => {
    const { repo } = await repoFor(c, "read");
    queryOf(c, []);
    const graph = await c.var.deps.graph();
    return c.json({ items: await graph.commits({ repo: repo.uri }) });
  });

  app.get(`${AT}/units`, async (c) => {
    const { graph, at } = await readAt(c, []);
    return c.json({ items: await graph.units(at) });
  });

  // With unitType, unit and path: that one def; otherwise a page of defs filtered by the others.
  app.get(`${AT}/defs`, async (c) => {
    const { graph, at, q } = await readAt(c, ["unitType", "unit", "path", "file", "namePrefix", "limit", "cursor"]);
    const { unitType, unit, path, file, namePrefix } = q;
    if (path !== undefined) {
      if (unitType === undefined || unit === undefined) throw badRequest("path: give it with unitType and unit (one def by its key)", "path");
      for (const k of ["file", "namePrefix", "limit", "cursor"]) {
        if (q[k] !== undefined) throw badRequest(`${k}: not with path (path asks for one def by its key)`, k);
      }
      return c.json(await graph.def({ ...at, unitType, unit, path }));
    }
    return c.json(await graph.defs({ ...at, ...defined({ unitType, unit, file, namePrefix }), ...pageOptions(c) }));
  });

  // defUnitType, defUnit and defPath (with defRepo, default this repo) ask for the refs to one def.
  app.get(`${AT}/refs`, async (c) => {
    const { graph, at, q } = await readAt(c, ["defRepo", "defUnitType", "defUnit", "defPath", "file", "unitType", "unit", "limit", "cursor"]);
    const { defRepo, defUnitType, defUnit, defPath, file, unitType, unit } = q;
    let def: RefTarget | undefined;
    if (defRepo !== undefined || defUnitType !== undefined || defUnit !== undefined || defPath !== undefined) {
      if (defUnitType === undefined || defUnit === undefined || defPath === undefined) {
        const missing = (["defUnitType", "defUnit", "defPath"] as const).find((k) => q[k] === undefined)!;
        throw badRequest(`${missing}: give defUnitType, defUnit and defPath together`, missing);
      }
      def = { ...defined({ repo: defRepo }), unitType: defUnitType, unit: defUnit, path: defPath };
    }
    return c.json(await graph.refs({ ...at, ...defined({ def, file, unitType, unit }), ...pageOptions(c) }));
  });

  app.get(`${AT}/docs`, async (c) => {
    const { graph, at, q } = await readAt(c, ["unitType", "unit", "path"]);
    // Missing ones reach the store as undefined: invalid_input naming the parameter.
    return c.json({ items: await graph.docs({ ...at, unitType: q.unitType!, unit: q.unit!, path: q.path! }) });
  });

  app.post(AT, async (c) => {
    const { graph, at } = await readAt(c, [], { admin: true });
    const files = await srclibFiles(c);
    // A client that goes away aborts the import: nothing of it becomes visible.
    return c.json(await graph.import({ ...at, files }, { signal: c.req.raw.signal }), 201);
  });

  app.delete(AT, async (c) => {
    const { repo, graph, at } = await readAt(c, [], { admin: true });
    if (!(await graph.deleteCommit(at))) throw new StoreError("not_found", `no graph data for ${repo.uri} at ${at.commit}`);
    return c.body(null, 204);
  });
}

/**
 * The srclib files of an import request: `multipart/form-data` with one file part per srclib file,
 * its filename the file's path in the srclib folder (curl -F "f=@GoPackage.unit.json;filename=a/b/GoPackage.unit.json"),
 * or `application/json` `{files: [{path, content}]}` with each file's text. Files that are not
 * `*.unit.json` or `*.graph.json` (e.g. `*.depresolve.json`) are skipped by the graph store, so a whole
 * srclib folder can be sent; a form field that is not a file is refused (400), as it is surely a mistake.
 */
async function srclibFiles(c: Ctx): Promise<SrclibFile[]> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") return formFiles(c);
  if (type === "application/json") return jsonFiles(c);
  throw badRequest("Content-Type: send multipart/form-data (one file part per srclib file) or application/json {files: [{path, content}]}");
}

async function formFiles(c: Ctx): Promise<SrclibFile[]> {
  // Read under the limit first (413 beyond it), then parse: Request.formData() alone reads without one.
  const bytes = await readBytes(c, IMPORT_LIMIT);
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": c.req.header("content-type")! } }).formData();
  } catch {
    throw badRequest("the body is not valid multipart/form-data");
  }
  const files: SrclibFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") throw badRequest(`part "${name}" is not a file: send each srclib file as a file part named by its path`, name);
    if (value.name === "") throw badRequest(`part "${name}" has no filename: the filename is the file's path in the srclib folder`, name);
    files.push({ path: value.name, read: async () => new Uint8Array(await value.arrayBuffer()) });
  }
  return files;
}

async function jsonFiles(c: Ctx): Promise<SrclibFile[]> {
  const body = fields(await readJson(c, IMPORT_LIMIT), ["files"]);
  if (!Array.isArray(body.files)) throw badRequest("files: must be an array of {path, content}", "files");
  return body.files.map((f: unknown, i): SrclibFile => {
    const at = `files[${i}]`;
    if (f === null || typeof f !== "object" || Array.isArray(f)) throw badRequest(`${at}: must be an object {path, content}`, at);
    const extra = Object.keys(f).find((k) => k !== "path" && k !== "content");
    if (extra !== undefined) throw badRequest(`${at}: unknown field "${extra}" (allowed: path, content)`, `${at}.${extra}`);
    const { path, content } = f as Record<string, unknown>;
    if (typeof path !== "string" || path === "") throw badRequest(`${at}.path: must be the file's path in the srclib folder`, `${at}.path`);
    if (typeof content !== "string") throw badRequest(`${at}.content: must be the file's text`, `${at}.content`);
    return { path, read: async () => new TextEncoder().encode(content) };
  });
}

/** The entries whose value is not undefined (so an absent query parameter is absent for the store). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
