/**
 * `src graph ...` as a person or a script uses it: real CLI processes on the runtime running the
 * test, on a folder root in a temp dir and on an S3 root served by one s3rver (started by the first
 * test that needs it, closed by the last test). Expectations come from the srclib fixture files
 * themselves. No run may print the S3 secret or key id.
 */
import { oneLineError, type Run } from "./support/cli-assert.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeno, tempDir } from "./support/disk-fs.ts";
import { repoRoot } from "./support/spawn.ts";
import { s3Proxy } from "./support/s3-proxy.ts";
import { s3Server, type S3Server } from "./support/s3-server.ts";

const FIXTURE = join(repoRoot, "test", "fixtures", "srclib", "go", "testdata", "expected", "src", "github.com", "sgtest", "go-misc");
const REPO = "github.com/sgtest/go-misc";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const SCOPE = "github.com/sgtest/go-misc/scope";
const LABEL = "github.com/sgtest/go-misc/label";

let serverPromise: Promise<S3Server> | undefined;
const server = () => (serverPromise ??= s3Server().then((s) => (secrets.add(s.secretAccessKey), secrets.add(s.accessKeyId), s)));

/** Strings no output may contain. */
const secrets = new Set<string>();

/** Runs `src args` with `env` on top of the parent's environment minus AWS_*, SGPATH and the root variable. */
function src(args: string[], env: Record<string, string> = {}, opts: { input?: string; tty?: boolean; onSpawn?: (pid: number) => void; closeAfterFirstChunk?: boolean } = {}): Promise<Run> {
  const script = join(repoRoot, "cli", "src.ts");
  const [cmd, argv] = isDeno
    ? [(globalThis as { Deno?: { execPath(): string } }).Deno!.execPath(), ["run", "-A", "--quiet", script, ...args]]
    : [process.execPath, ["--import", "tsx", script, ...args]];
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^AWS_|^SGPATH$|^SRC_GRAPHSTORE_ROOT$/.test(k)) base[k] = v;
  // On a terminal: `script` gives the command a pseudo-terminal (stdout and stderr both come out as `out`).
  const [file, list] = opts.tty
    ? ["script", ["-qec", [cmd, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "), "/dev/null"]]
    : [cmd, argv];
  return new Promise((resolve, reject) => {
    const p = spawn(file, list, { cwd: repoRoot, env: { ...base, ...env, NO_COLOR: "1", SRCSTORE_DEBUG: "" } });
    let out = "", err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (opts.closeAfterFirstChunk) p.stdout.destroy(); // like `| head -1`
    });
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      for (const s of secrets) if ((out + err).includes(s)) return reject(new Error(`src ${args.join(" ")} printed a secret:\n${out}${err}`));
      resolve({ code, out, err });
    });
    if (p.pid !== undefined) opts.onSpawn?.(p.pid);
    p.stdin.end(opts.input ?? "");
  });
}

function ok(r: Run): string {
  assert.is(r.code, 0, `exit 0 expected, got ${r.code}:\n${r.out}${r.err}`);
  return r.out;
}

const jsonLines = (out: string) => out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
const key = (d: Record<string, unknown>) => `${d.UnitType}\0${d.Unit}\0${d.Path}`;
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// ---- what the fixture holds, read from its files -----------------------------------------------

type J = Record<string, any>;
interface Fixture {
  units: { Type: string; Name: string }[];
  defs: J[];
  refs: J[];
  docs: J[];
}

let fixture: Promise<Fixture> | undefined;
const expected = () => (fixture ??= readFixture());

async function readFixture(): Promise<Fixture> {
  const f: Fixture = { units: [], defs: [], refs: [], docs: [] };
  const dirs = (await readdir(FIXTURE, { recursive: true })).filter((p) => p.endsWith("GoPackage.unit.json")).sort(byteOrder);
  for (const rel of dirs) {
    const unit = JSON.parse(await readFile(join(FIXTURE, rel), "utf8"));
    const graph = JSON.parse(await readFile(join(FIXTURE, rel.replace(/unit\.json$/, "graph.json")), "utf8"));
    f.units.push({ Type: unit.Type, Name: unit.Name });
    for (const d of graph.Defs ?? []) f.defs.push({ ...d, UnitType: unit.Type, Unit: unit.Name });
    for (const r of graph.Refs ?? []) {
      f.refs.push({ ...r, UnitType: unit.Type, Unit: unit.Name, DefRepo: r.DefRepo || REPO, DefUnitType: r.DefUnitType || unit.Type, DefUnit: r.DefUnit || unit.Name });
    }
    for (const d of graph.Docs ?? []) f.docs.push({ ...d, UnitType: d.UnitType || unit.Type, Unit: d.Unit || unit.Name, Path: d.Path ?? "" });
  }
  f.units.sort((a, b) => byteOrder(a.Type, b.Type) || byteOrder(a.Name, b.Name));
  f.defs.sort((a, b) => byteOrder(key(a), key(b)));
  return f;
}

/** A temp folder root with the fixture imported (as COMMIT unless told). */
async function importedFolder(commit = COMMIT): Promise<{ root: string; args: string[]; remove(): Promise<void> }> {
  const tmp = await tempDir("srcstore-cli-graph-");
  const root = join(tmp.dir, "graph");
  ok(await src(["graph", "import", "--graphstore.root", root, "--repo", REPO, "--commit", commit, FIXTURE]));
  return { root, args: ["--graphstore.root", root, "--repo", REPO, "--commit", commit], remove: tmp.remove };
}

// ---- tests -----------------------------------------------------------------------------------------

test("src graph --help lists every graph command with its options, the root, paging and exit codes", async () => {
  const r = await src(["graph", "--help"]);
  const out = ok(r);
  for (const c of ["import <...paths>", "units", "defs", "refs", "docs", "ls", "rm"]) assert.match(out, new RegExp(`\\n  graph ${c.replace(/[.<>]/g, "\\$&")}\\s`), c);
  for (const o of ["--repo", "--commit", "--unit-type", "--name-prefix", "--def-path", "--cursor", "--all", "--yes", "--json"]) assert.ok(out.includes(o), o);
  assert.match(out, /--graphstore\.root <folder \| s3:\/\/bucket\[\/prefix\]>/);
  assert.match(out, /\{"nextCursor":"\.\.\."\}/);
  assert.match(out, /Exit codes:/);
  assert.match(out, /\n {2}130 {2}import interrupted/);
  const global = ok(await src(["--help"]));
  assert.match(global, /--graphstore\.root <root>/);
});

test("import a srclib folder into a folder root; units, defs, refs, docs and ls answer as tables and JSON Lines", async () => {
  const fx = await expected();
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const root = join(tmp.dir, "nested", "graph");
    const args = ["--graphstore.root", root, "--repo", REPO, "--commit", COMMIT];
    const imp = await src(["graph", "import", ...args, FIXTURE]);
    assert.match(ok(imp), new RegExp(`^imported ${REPO}@${COMMIT} into ${root}: ${fx.units.length} units, ${fx.defs.length} defs, ${fx.refs.length} refs, ${fx.docs.length} docs; read \\d+\\.\\d kB in \\d+\\.\\d+ s \\(\\d+\\.\\d MB/s\\); version \\w+\\n$`));
    assert.is(imp.err, "", "no progress off a terminal");

    const units = ok(await src(["graph", "units", ...args]));
    assert.match(units, /^TYPE\s+NAME\s+DIR\s+FILES\n/);
    assert.match(units, new RegExp(`\\nGoPackage\\s+${LABEL}\\s+label\\s+1\\n`));
    assert.is(units.trim().split("\n").length, fx.units.length + 1);
    const unitsJson = jsonLines(ok(await src(["graph", "units", ...args, "--json"])));
    assert.equal(unitsJson.map((u) => ({ Type: u.Type, Name: u.Name })), fx.units);
    assert.ok(unitsJson.every((u) => Array.isArray(u.Files) && typeof u.Data === "object"), "unit fields kept");

    const defs = jsonLines(ok(await src(["graph", "defs", ...args, "--json"])));
    assert.equal(defs.map(key), fx.defs.map(key), "every def, by unit type, unit, path; no cursor line");
    assert.ok(defs.every((d) => d.Repo === REPO && d.CommitID === COMMIT));

    const inUnit = ok(await src(["graph", "defs", ...args, "--unit-type", "GoPackage", "--unit", SCOPE]));
    const scopeDefs = fx.defs.filter((d) => d.Unit === SCOPE);
    assert.match(inUnit, /^UNIT TYPE\s+UNIT\s+PATH\s+NAME\s+KIND\s+FILE\s+START\s+END\s+DOCS\n/);
    assert.equal(inUnit.trim().split("\n").slice(1).map((l) => l.split(/\s+/)[2]), scopeDefs.map((d) => d.Path).sort(byteOrder));

    const withDocs = fx.defs.find((d) => d.Unit === SCOPE && d.Path !== "." && fx.docs.some((x) => key(x) === key(d)))!;
    const one = jsonLines(ok(await src(["graph", "defs", ...args, "--unit-type", "GoPackage", "--unit", SCOPE, "--path", withDocs.Path, "--json"])));
    assert.is(one.length, 1);
    assert.is(one[0]!.Name, withDocs.Name);
    assert.equal(one[0]!.Docs, fx.docs.filter((x) => key(x) === key(withDocs)).map((x) => ({ Format: x.Format, Data: x.Data })));
    const missing = await src(["graph", "defs", ...args, "--unit-type", "GoPackage", "--unit", SCOPE, "--path", "NoSuchDef"]);
    oneLineError(missing, 1, /not found/);

    const inFile = jsonLines(ok(await src(["graph", "defs", ...args, "--file", "label/label.go", "--json"])));
    assert.equal(inFile.map((d) => d.Path).sort(), fx.defs.filter((d) => d.File === "label/label.go").map((d) => d.Path).sort());
    const prefix = fx.defs.find((d) => d.Name.length > 2)!.Name.slice(0, 2).toUpperCase();
    const named = jsonLines(ok(await src(["graph", "defs", ...args, "--name-prefix", prefix, "--json"])));
    assert.equal(named.map(key).sort(), fx.defs.filter((d) => d.Name.toLowerCase().startsWith(prefix.toLowerCase())).map(key).sort());
    assert.ok(named.length > 0, `defs named ${prefix}...`);

    const toDef = jsonLines(ok(await src(["graph", "refs", ...args, "--def-unit-type", "GoPackage", "--def-unit", LABEL, "--def-path", "test", "--json"])));
    const wantTo = fx.refs.filter((r) => r.DefRepo === REPO && r.DefUnit === LABEL && r.DefPath === "test");
    assert.is(toDef.length, wantTo.length);
    assert.ok(toDef.length > 0 && toDef.every((r) => r.DefRepo === REPO && r.DefUnit === LABEL && r.DefPath === "test"));
    const builtin = jsonLines(ok(await src(["graph", "refs", ...args, "--def-repo", "github.com/golang/go", "--def-unit-type", "GoPackage", "--def-unit", "builtin", "--def-path", "println", "--json"])));
    assert.is(builtin.length, fx.refs.filter((r) => r.DefUnit === "builtin" && r.DefPath === "println").length);
    const refsInFile = ok(await src(["graph", "refs", ...args, "--file", "label/label.go"]));
    assert.match(refsInFile, /^UNIT TYPE\s+UNIT\s+FILE\s+START\s+END\s+DEF\s+DEF REPO\s+DEF UNIT TYPE\s+DEF UNIT\s+DEF PATH\n/);
    assert.is(refsInFile.trim().split("\n").length - 1, fx.refs.filter((r) => r.File === "label/label.go").length);
    assert.match(refsInFile, new RegExp(`\\nGoPackage\\s+${LABEL}\\s+label/label\\.go\\s+20\\s+24\\s+yes\\s+${REPO}\\s+GoPackage\\s+${LABEL}\\s+test\\n`));

    const docs = jsonLines(ok(await src(["graph", "docs", ...args, "--unit-type", "GoPackage", "--unit", SCOPE, "--json"])));
    const wantDocs = fx.docs.filter((d) => d.Unit === SCOPE && d.Path === "");
    assert.equal(docs.map((d) => [d.Format, d.Data, d.File]), wantDocs.map((d) => [d.Format, d.Data, d.File]));
    const docsText = ok(await src(["graph", "docs", ...args, "--unit-type", "GoPackage", "--unit", SCOPE]));
    assert.match(docsText, /^== text\/html {2}scope\/scope\.go:0-41 {2}\(from unit github\.com\/sgtest\/go-misc\/scope\)\n<p>\n/);

    const ls = ok(await src(["graph", "ls", "--graphstore.root", root]));
    assert.match(ls, /^REPO\s+COMMIT\s+UNITS\s+DEFS\s+REFS\s+DOCS\s+SIZE\s+IMPORTED\n/);
    assert.match(ls, new RegExp(`\\n${REPO}\\s+${COMMIT}\\s+${fx.units.length}\\s+${fx.defs.length}\\s+${fx.refs.length}\\s+${fx.docs.length}\\s+[\\d.]+ k?B\\s+\\d{4}-\\d\\d-\\d\\dT`));
    const lsJson = jsonLines(ok(await src(["graph", "ls", "--graphstore.root", root, "--json", "--repo", REPO.toUpperCase()])));
    assert.is(lsJson.length, 1);
    assert.equal([lsJson[0]!.repo, lsJson[0]!.commit, lsJson[0]!.units, lsJson[0]!.defs], [REPO, COMMIT, fx.units.length, fx.defs.length]);
    assert.ok(!Number.isNaN(Date.parse(lsJson[0]!.importedAt as string)) && (lsJson[0]!.bytes as number) > 0);
    assert.is(ok(await src(["graph", "ls", "--graphstore.root", root, "--repo", "github.com/other/repo"])), "no commits\n");

    const again = await src(["graph", "import", ...args, "--json", FIXTURE]);
    const summary = JSON.parse(ok(again));
    assert.equal([summary.replaced, summary.units, summary.location], [true, fx.units.length, root]);
    const again2 = ok(await src(["graph", "import", ...args, FIXTURE]));
    assert.match(again2, /, replaced the earlier import\n$/);
  } finally {
    await tmp.remove();
  }
});

test("paging: a cut page ends with a nextCursor line, --cursor continues, --all follows to the end", async () => {
  const fx = await expected();
  const f = await importedFolder();
  try {
    const pages: Record<string, unknown>[][] = [];
    let cursor: string | undefined;
    do {
      const lines = jsonLines(ok(await src(["graph", "defs", ...f.args, "--limit", "20", "--json", ...(cursor ? ["--cursor", cursor] : [])])));
      const last = lines[lines.length - 1]!;
      cursor = "nextCursor" in last ? String(last.nextCursor) : undefined;
      if (cursor) assert.equal(Object.keys(last), ["nextCursor"], "the cursor line holds the cursor only");
      pages.push(cursor ? lines.slice(0, -1) : lines);
    } while (cursor && pages.length < 10);
    assert.equal(pages.map((p) => p.length), [20, 20, fx.defs.length - 40]);
    assert.equal(pages.flat().map(key), fx.defs.map(key));

    const all = jsonLines(ok(await src(["graph", "defs", ...f.args, "--all", "--limit", "7", "--json"])));
    assert.equal(all.map(key), fx.defs.map(key), "--all: every def once, no cursor line");
    const refs = jsonLines(ok(await src(["graph", "refs", ...f.args, "--all", "--limit", "10", "--json"])));
    assert.is(refs.length, fx.refs.length);
    assert.ok(refs.every((r) => !("nextCursor" in r)));

    const table = await src(["graph", "refs", ...f.args, "--limit", "5"]);
    assert.is(ok(table).trim().split("\n").length, 6);
    assert.match(table.err, /^\(more: run again with --cursor \S+, or --all for everything\)\n$/);
    const tableAll = await src(["graph", "refs", ...f.args, "--all", "--limit", "50"]);
    assert.is(ok(tableAll).trim().split("\n").length, fx.refs.length + 1);
    assert.is(tableAll.err, "");
  } finally {
    await f.remove();
  }
});

test("rm refuses off a terminal without --yes (exit 2, nothing removed); with --yes it removes the commit", async () => {
  const f = await importedFolder();
  try {
    const refused = await src(["graph", "rm", ...f.args]);
    oneLineError(refused, 2, new RegExp(`refusing to delete the graph data of ${REPO}@${COMMIT} in ${f.root}: .*--yes`));
    assert.match(ok(await src(["graph", "ls", "--graphstore.root", f.root])), new RegExp(COMMIT));

    const rm = ok(await src(["graph", "rm", ...f.args, "--yes"]));
    assert.match(rm, new RegExp(`^removed ${REPO}@${COMMIT} \\(10 units, 52 defs, 107 refs, 52 docs\\) from ${f.root}\\n$`));
    assert.is(ok(await src(["graph", "ls", "--graphstore.root", f.root])), "no commits\n");
    assert.is(ok(await src(["graph", "ls", "--graphstore.root", f.root, "--json"])), "");
    oneLineError(await src(["graph", "units", ...f.args]), 1, /not found/);
    oneLineError(await src(["graph", "rm", ...f.args, "--yes"]), 1, /not found/);
  } finally {
    await f.remove();
  }
});

test("a malformed srclib file: exit 2 naming the file, and nothing imported", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const input = join(tmp.dir, "build");
    await cp(FIXTURE, input, { recursive: true });
    const bad = join("github.com", "sgtest", "go-misc", "scope", "GoPackage.graph.json");
    const graph = JSON.parse(await readFile(join(input, bad), "utf8"));
    graph.Defs[3].DefStart = -5;
    await writeFile(join(input, bad), JSON.stringify(graph));
    const root = join(tmp.dir, "graph");
    const args = ["--graphstore.root", root, "--repo", REPO, "--commit", COMMIT];
    const r = await src(["graph", "import", ...args, input]);
    oneLineError(r, 2, new RegExp(`${input}/github\\.com/sgtest/go-misc/scope/GoPackage\\.graph\\.json: Defs\\[3\\]\\.DefStart: `));
    assert.is(r.out, "");
    assert.is(ok(await src(["graph", "ls", "--graphstore.root", root])), "no commits\n");

    await writeFile(join(input, bad), "{\"Defs\": [");
    oneLineError(await src(["graph", "import", ...args, input]), 2, /scope\/GoPackage\.graph\.json/);
    const single = join(input, "github.com", "sgtest", "go-misc", "label", "GoPackage.unit.json");
    oneLineError(await src(["graph", "import", ...args, single]), 2, /label\/GoPackage\.(unit|graph)\.json/);
    oneLineError(await src(["graph", "import", ...args, join(tmp.dir, "nowhere")]), 2, /nowhere: no such file or folder/);
    oneLineError(await src(["graph", "units", ...args]), 1, /not found/);
  } finally {
    await tmp.remove();
  }
});

test("the default root is <sgpath>/graphstore; a missing root folder is a clear not-found for queries", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const sg = { SGPATH: tmp.dir };
    const ls = await src(["graph", "ls"], sg);
    oneLineError(ls, 1, new RegExp(`no graph store at ${tmp.dir}/graphstore: nothing was imported there`));
    const missing = join(tmp.dir, "not-here");
    oneLineError(await src(["graph", "units", "--graphstore.root", missing, "--repo", REPO, "--commit", COMMIT]), 1, new RegExp(`no graph store at ${missing}`));
    oneLineError(await src(["graph", "defs", "--repo", REPO, "--commit", COMMIT], { SRC_GRAPHSTORE_ROOT: missing }), 1, new RegExp(`no graph store at ${missing}`));

    // Imported through $SGPATH, read through $SRC_GRAPHSTORE_ROOT and through --sgpath.
    ok(await src(["graph", "import", "--repo", REPO, "--commit", COMMIT, FIXTURE], sg));
    assert.match(ok(await src(["graph", "ls"], { SRC_GRAPHSTORE_ROOT: join(tmp.dir, "graphstore") })), new RegExp(`\\n${REPO}\\s+${COMMIT}\\s`));
    assert.match(ok(await src(["graph", "ls", "--sgpath", tmp.dir])), new RegExp(`\\n${REPO}\\s+${COMMIT}\\s`));
  } finally {
    await tmp.remove();
  }
});

test("bad options are usage errors (exit 2, one line) and touch nothing", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const root = ["--graphstore.root", join(tmp.dir, "g")];
    const at = [...root, "--repo", REPO, "--commit", COMMIT];
    oneLineError(await src(["graph", "units", ...root, "--commit", COMMIT]), 2, /--repo is required/);
    oneLineError(await src(["graph", "defs", ...at, "--limit", "0"]), 2, /--limit: must be an integer 1\.\.1000/);
    oneLineError(await src(["graph", "defs", ...at, "--path", "x"]), 2, /--path names one def: give --unit-type and --unit/);
    oneLineError(await src(["graph", "refs", ...at, "--def-path", "x"]), 2, /--def-unit-type, --def-unit and --def-path together/);
    oneLineError(await src(["graph", "docs", ...at, "--unit-type", "GoPackage"]), 2, /--unit-type and --unit go together/);
    oneLineError(await src(["graph", "ls", ...root, "--bogus"]), 2, /Unknown option `--bogus`/);
    oneLineError(await src(["graph", "import", ...at]), 2, /missing required args/);
    oneLineError(await src(["graph", "import", ...root, "--repo", REPO, "--commit", "xyz", FIXTURE]), 2, /commit/);
    oneLineError(await src(["graph", "ls", "--graphstore.root", "gs://bucket/x"]), 2, /neither a folder nor s3:/);
    assert.is(await readdir(tmp.dir).then((e) => e.length), 0, "no root was created");
  } finally {
    await tmp.remove();
  }
});

test("an S3 root: import, query, ls and rm on s3rver; option values are kept as typed (an all-digit commit)", async () => {
  const s = await server();
  const fx = await expected();
  const bucket = await s.newBucket();
  const commit = "1234567890123456789012345678901234567890";
  const root = `s3://${bucket}/graphs/test`;
  const args = ["--graphstore.root", root, "--repo", REPO, "--commit", commit];
  const imp = await src(["graph", "import", ...args, FIXTURE], s.env);
  assert.match(ok(imp), new RegExp(`^imported ${REPO}@${commit} into s3://${bucket}/graphs/test( \\(http://127\\.0\\.0\\.1:\\d+\\))?: ${fx.units.length} units, ${fx.defs.length} defs`));
  assert.is(imp.err, "", "no SDK warning, no progress off a terminal");
  assert.equal(jsonLines(ok(await src(["graph", "units", ...args, "--json"], s.env))).map((u) => u.Name), fx.units.map((u) => u.Name));
  const defs = jsonLines(ok(await src(["graph", "defs", ...args, "--all", "--limit", "25", "--json"], s.env)));
  assert.equal(defs.map(key), fx.defs.map(key));
  assert.ok(defs.every((d) => d.CommitID === commit));
  assert.match(ok(await src(["graph", "ls", "--graphstore.root", root], s.env)), new RegExp(`\\n${REPO}\\s+${commit}\\s+${fx.units.length}\\s`));
  assert.match(ok(await src(["graph", "rm", ...args, "--yes"], s.env)), /^removed /);
  assert.is(ok(await src(["graph", "ls", "--graphstore.root", root], s.env)), "no commits\n");
});

test("wrong S3 credentials or a missing bucket: exit 1, one line, neither the secret nor the key id in any output", async () => {
  const s = await server();
  // s3rver does not check V4 signatures: the proxy does, and answers like S3 (quoting the key id).
  const proxy = await s3Proxy({ target: s.endpoint, verify: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } });
  try {
    const bucket = await s.newBucket();
    const root = ["--graphstore.root", `s3://${bucket}/g`];
    const good = { ...s.env, AWS_ENDPOINT_URL_S3: proxy.endpoint };
    ok(await src(["graph", "import", ...root, "--repo", REPO, "--commit", COMMIT, FIXTURE], good));
    const wrongSecret = "wrong-" + s.secretAccessKey.slice(6);
    secrets.add(wrongSecret);
    const bad = { ...good, AWS_SECRET_ACCESS_KEY: wrongSecret };
    oneLineError(await src(["graph", "ls", ...root], bad), 1, /SignatureDoesNotMatch/);
    oneLineError(await src(["graph", "units", ...root, "--repo", REPO, "--commit", COMMIT], bad), 1, /permission_denied/);
    oneLineError(await src(["graph", "import", ...root, "--repo", REPO, "--commit", COMMIT, FIXTURE], bad), 1, /permission_denied/);
    oneLineError(await src(["graph", "rm", ...root, "--repo", REPO, "--commit", COMMIT, "--yes"], bad), 1, /permission_denied/);
    secrets.add("AKIAUNKNOWNKEY000001");
    oneLineError(await src(["graph", "ls", ...root], { ...good, AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY000001" }), 1, /InvalidAccessKeyId/);
    oneLineError(await src(["graph", "ls", "--graphstore.root", "s3://no-such-bucket-here"], good), 1, /no-such-bucket-here/);
    // The right credentials still see the commit: nothing was changed by the refused runs.
    assert.match(ok(await src(["graph", "ls", ...root], good)), new RegExp(`\\n${REPO}\\s+${COMMIT}\\s+10\\s`));
    // src() rejects any run whose output holds a secret or key id: getting here is the check.
    assert.ok(secrets.has(s.secretAccessKey) && secrets.has(s.accessKeyId));
  } finally {
    await proxy.close();
  }
});

test("Ctrl-C during an import exits 130 and leaves nothing visible", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    // The graph file is a FIFO: the import blocks reading it until the test, having interrupted, writes it.
    const dir = join(tmp.dir, "build", "label");
    await mkdir(dir, { recursive: true });
    const label = join(FIXTURE, "github.com", "sgtest", "go-misc", "label");
    await cp(join(label, "GoPackage.unit.json"), join(dir, "GoPackage.unit.json"));
    const fifo = join(dir, "GoPackage.graph.json");
    execFileSync("mkfifo", [fifo]);
    const root = join(tmp.dir, "graph");
    let pid = 0;
    const run = src(["graph", "import", "--graphstore.root", root, "--repo", REPO, "--commit", COMMIT, join(dir, "GoPackage.unit.json"), fifo], {}, { onSpawn: (p) => (pid = p) });
    // Opening the FIFO for writing blocks until the import opens it for reading: then it is importing.
    const { open } = await import("node:fs/promises");
    const writer = await open(fifo, "w");
    process.kill(pid, "SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 500)); // the handler runs at once: the process idles on the FIFO
    await writer.writeFile(await readFile(join(label, "GoPackage.graph.json")));
    await writer.close();
    const r = await run;
    oneLineError(r, 130, /interrupted: nothing was imported/);
    assert.is(r.out, "");
    assert.is(ok(await src(["graph", "ls", "--graphstore.root", root])), "no commits\n");
  } finally {
    await tmp.remove();
  }
});

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

test("on a terminal: import shows progress, rm asks and goes on only on y/yes", async () => {
  if (!hasScript) return console.log("# no `script` (util-linux) here: terminal progress and prompt not checked");
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const root = join(tmp.dir, "graph");
    const args = ["--graphstore.root", root, "--repo", REPO, "--commit", COMMIT];
    const imp = await src(["graph", "import", ...args, FIXTURE], {}, { tty: true, input: "" });
    assert.match(ok(imp), /^\r\x1b\[2Kreading srclib output: \d+\/20 files, [\d.]+ k?B/);
    assert.match(imp.out, /\r\x1b\[2Kreading srclib output: 20\/20 files, [\d.]+ kB; indexing\.\.\.\r/, "the last file is shown, then what is being done");
    assert.match(imp.out, /\r\x1b\[2Kwriting: (\d+)\/\1 objects; finishing\.\.\.\r/);
    assert.match(imp.out, /\r\x1b\[2Kwriting: \d+\/\d+ objects; finishing\.\.\.\r\x1b\[2Kimported /, "the progress line is cleared before the summary");
    const no = await src(["graph", "rm", ...args], {}, { tty: true, input: "n\n" });
    assert.is(no.code, 1, no.out);
    assert.ok(no.out.includes(`Delete the graph data of ${REPO}@${COMMIT} in ${root}? [y/N] `), no.out);
    assert.match(no.out, /cancelled: nothing changed/);
    assert.match(ok(await src(["graph", "ls", "--graphstore.root", root])), new RegExp(COMMIT));
    const yes = await src(["graph", "rm", ...args], {}, { tty: true, input: "yes\n" });
    assert.match(ok(yes), /removed /);
    assert.is(ok(await src(["graph", "ls", "--graphstore.root", root])), "no commits\n");
  } finally {
    await tmp.remove();
  }
});

/** A srclib build folder with one unit written from `graph` (Defs, Refs, Docs), under `dir`. */
async function oneUnit(dir: string, graph: Record<string, unknown>): Promise<string> {
  const at = join(dir, "build", "u");
  await mkdir(at, { recursive: true });
  await writeFile(join(at, "GoPackage.unit.json"), JSON.stringify({ Name: "example.com/u", Type: "GoPackage", Files: ["u.go"], Dir: "." }));
  await writeFile(join(at, "GoPackage.graph.json"), JSON.stringify(graph));
  return join(dir, "build");
}

test("options before the command word, --graphstore-root, a misspelt --graphstore.<x>, an unknown option as typed", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const root = join(tmp.dir, "graph");
    const sg = { SGPATH: join(tmp.dir, "sg") };
    ok(await src(["--graphstore.root", root, "graph", "import", "--repo", REPO, "--commit", COMMIT, FIXTURE], sg));
    const listed = new RegExp(`\\n${REPO}\\s+${COMMIT}\\s`);
    assert.match(ok(await src(["--graphstore.root", root, "graph", "ls"], sg)), listed);
    assert.match(ok(await src(["--sgpath", tmp.dir, "--graphstore.root=" + root, "graph", "ls"], sg)), listed);
    assert.is(jsonLines(ok(await src(["graph", "--json", "ls", "--graphstore.root", root], sg))).length, 1);
    assert.is(jsonLines(ok(await src(["--repo", REPO, "--graphstore.root", root, "graph", "units", "--commit", COMMIT, "--json"], sg))).length, 10);
    assert.match(ok(await src(["graph", "ls", "--graphstore-root", root], sg)), listed);
    assert.match(ok(await src(["graph", "ls", `--graphstore-root=${root}`], sg)), listed);
    oneLineError(await src(["graph", "ls", "--graphstore-root", root, "--graphstore.root", root], sg), 2, /given 2 times/);
    // A misspelling must not fall back to the default root (an import would land there).
    for (const typo of ["--graphstore.rot", "--graphstore", "--graphstore.root.x"]) {
      const r = await src(["graph", "import", typo, root, "--repo", REPO, "--commit", COMMIT, FIXTURE], sg);
      oneLineError(r, 2, new RegExp(`unknown option ${typo.replace(/\./g, "\\.")}: the graph store root is --graphstore\\.root`));
    }
    assert.equal(await readdir(tmp.dir).then((e) => e.sort()), ["graph"], "nothing made under $SGPATH");
    oneLineError(await src(["graph", "ls", "--graphstore.root", root, "--bogus-flag"], sg), 2, /^src: Unknown option `--bogus-flag`: see "src graph ls --help"$/);
    const at = ["--graphstore.root", root, "--repo", REPO, "--commit", COMMIT];
    oneLineError(await src(["graph", "defs", ...at, "--limit", "-1"], sg), 2, /--limit -1: "-1" was taken for an option; write --limit=-1/);
    oneLineError(await src(["graph", "defs", ...at, "--limit=-1"], sg), 2, /--limit: must be an integer 1\.\.1000, got "-1"/);
  } finally {
    await tmp.remove();
  }
});

test("~ and ~/ in --graphstore.root, $SRC_GRAPHSTORE_ROOT and $SGPATH are the home folder", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const home = { HOME: tmp.dir, USERPROFILE: tmp.dir };
    const imp = await src(["graph", "import", "--graphstore.root=~/graphs", "--repo", REPO, "--commit", COMMIT, FIXTURE], home);
    assert.match(ok(imp), new RegExp(`into ${join(tmp.dir, "graphs")}: `));
    const listed = new RegExp(`\\n${REPO}\\s+${COMMIT}\\s`);
    assert.match(ok(await src(["graph", "ls"], { ...home, SRC_GRAPHSTORE_ROOT: "~/graphs" })), listed);
    ok(await src(["graph", "import", "--repo", REPO, "--commit", COMMIT, FIXTURE], { ...home, SGPATH: "~/sg" }));
    assert.match(ok(await src(["graph", "ls", "--graphstore.root", join(tmp.dir, "sg", "graphstore")])), listed);
    assert.match(ok(await src(["graph", "ls", "--sgpath=~/sg"], home)), listed);
    assert.equal(await readdir(repoRoot).then((e) => e.filter((n) => n === "~")), [], "no folder named ~");
  } finally {
    await tmp.remove();
  }
});

test("a reader that stops early (| head) ends the command quietly, exit 0", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const { synthFiles } = await import("./support/graph-synth.ts");
    const build = join(tmp.dir, "build");
    for (const f of synthFiles({ units: 8, defsPerUnit: 250, refsPerDef: 1 })) {
      await mkdir(join(build, f.path, ".."), { recursive: true });
      await writeFile(join(build, f.path), await f.read());
    }
    const root = join(tmp.dir, "graph");
    const at = ["--graphstore.root", root, "--repo", REPO, "--commit", COMMIT];
    ok(await src(["graph", "import", ...at, build]));
    for (const extra of [["--json"], []]) {
      // 2,000 defs are far more than a pipe holds: the command is still writing when the reader goes.
      const r = await src(["graph", "defs", ...at, "--all", ...extra], {}, { closeAfterFirstChunk: true });
      assert.is(r.code, 0, r.err);
      assert.is(r.err, "", "no EPIPE stack");
    }
  } finally {
    await tmp.remove();
  }
});

test("untrusted srclib text is escaped in tables and docs (no terminal control), kept in JSON", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const evil = "\x1b]0;pwned\x07\x1b[31mRed\u202eev\r\nnext";
    const build = await oneUnit(tmp.dir, {
      Defs: [{ Path: "P", Name: evil, Kind: "func\x1b[2J", File: "u.go", DefStart: 1, DefEnd: 2 }],
      Refs: [],
      Docs: [{ Path: "P", Format: "text/plain", File: "u.go", Data: `line one\n\tline two \x1b[2Jcleared\r\n` }, { Path: "", Format: "", Data: "unit doc" }],
    });
    const at = ["--graphstore.root", join(tmp.dir, "graph"), "--repo", REPO, "--commit", COMMIT];
    assert.match(ok(await src(["graph", "import", ...at, build])), /: 1 unit, 1 def, 0 refs, 2 docs; read \d+ B in /);
    const table = ok(await src(["graph", "defs", ...at]));
    assert.not.match(table, /[\x00-\x08\x0b-\x1f\x7f\u202e]/, "no control character reaches the terminal");
    assert.ok(table.includes("\\u001b]0;pwned\\u0007\\u001b[31mRed\\u202eev\\r\\nnext"), table);
    assert.is(table.trim().split("\n").length, 2, "one row");
    const docs = ok(await src(["graph", "docs", ...at, "--unit-type", "GoPackage", "--unit", "example.com/u", "--path", "P"]));
    assert.is(docs, "== text/plain  u.go:0-0  (from unit example.com/u)\nline one\n\tline two \\u001b[2Jcleared\n");
    const unitDoc = ok(await src(["graph", "docs", ...at, "--unit-type", "GoPackage", "--unit", "example.com/u"]));
    assert.is(unitDoc, "== (no format)  (from unit example.com/u)\nunit doc\n", "no empty file position");
    assert.is(jsonLines(ok(await src(["graph", "defs", ...at, "--json"])))[0]!.Name, evil, "JSON keeps the text as imported");
  } finally {
    await tmp.remove();
  }
});

test("errors name the option typed and the file, on one line; an unknown unit gets a note", async () => {
  const tmp = await tempDir("srcstore-cli-graph-");
  try {
    const f = await importedFolder();
    try {
      oneLineError(await src(["graph", "defs", ...f.args, "--unit-type", "", "--unit", "x"]), 2, /^src: --unit-type: must not be empty/);
      oneLineError(await src(["graph", "refs", ...f.args, "--def-unit-type", "", "--def-unit", "x", "--def-path", "p"]), 2, /^src: --def-unit-type: must not be empty/);
      oneLineError(await src(["graph", "defs", ...f.args, "--name-prefix", "x".repeat(300)]), 2, /^src: --name-prefix: must be at most 256/);
      oneLineError(await src(["graph", "ls", "--graphstore.root", f.root, "--repo", "a b"]), 2, /^src: --repo: /);
      const none = await src(["graph", "defs", ...f.args, "--unit-type", "GoPackage", "--unit", "nope"]);
      assert.is(ok(none), "no defs\n");
      assert.is(none.err, `note: ${REPO}@${COMMIT} has no unit GoPackage "nope" (see "src graph units")\n`);
      const noneJson = await src(["graph", "refs", ...f.args, "--unit-type", "GoPackage", "--unit", "nope", "--json"]);
      assert.is(ok(noneJson), "");
      assert.match(noneJson.err, /has no unit GoPackage "nope"/);
      const empty = await src(["graph", "docs", ...f.args, "--unit-type", "GoPackage", "--unit", LABEL, "--path", "test"]);
      assert.is(ok(empty), "no docs\n");
      assert.is(empty.err, "", "the unit exists: no note");
    } finally {
      await f.remove();
    }
    const build = await oneUnit(tmp.dir, { Defs: [] });
    const graphFile = join(build, "u", "GoPackage.graph.json");
    await writeFile(graphFile, "nope\n{\n");
    const at = ["--graphstore.root", join(tmp.dir, "graph"), "--repo", REPO, "--commit", COMMIT];
    const bad = await src(["graph", "import", ...at, build]);
    oneLineError(bad, 2, new RegExp(`^src: ${build}/u/GoPackage\\.graph\\.json: not valid JSON: .*\\(invalid_input\\)$`));
  } finally {
    await tmp.remove();
  }
});

test("close the S3 server", async () => {
  if (serverPromise) await (await serverPromise).close();
});

test.run();
