/**
 * Settings resolution (lib/config.ts), pure: files are a map, the environment a record. Every
 * precedence pair of every setting, the seed's `[serve.Local store]` / `Store = pgsql` spelling, the
 * env file in systemd's format, warnings and errors with file:line, masking, and no secret in any message.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeConfig, resolveConfig, splitAddr, type ConfigInput, type ResolvedConfig, type Source } from "../lib/config.ts";
import { parseEnvFile } from "../lib/config/env-file.ts";
import { isStoreError } from "../lib/errors.ts";

const INI = "/etc/sg/config.ini";
const ENV = "/etc/sg/config.env";
const HOME = "/home/op";
const CWD = "/work/here";

interface Given {
  flags?: ConfigInput["flags"];
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
}

function resolve(g: Given, read: string[] = []): Promise<ResolvedConfig> {
  const files = g.files ?? {};
  return resolveConfig({
    flags: g.flags ?? {},
    env: g.env ?? {},
    readFile: async (p) => (read.push(p), files[p]),
    home: HOME,
    cwd: CWD,
    defaults: { configFile: INI, envFile: ENV },
  });
}

/** The StoreError the promise rejects with (fails the test when it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; field?: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (isStoreError(e)) return e;
    throw e;
  }
  throw new Error("expected a StoreError");
}

// ---- precedence ----------------------------------------------------------------------------------

type Layer = "flag" | "env" | "env-file" | "file" | "default";
const LAYERS: Layer[] = ["flag", "env", "env-file", "file", "default"];

interface Spec {
  flag: keyof ConfigInput["flags"];
  variable: string;
  /** The config file lines that set it; undefined when the file cannot. */
  ini?: (v: string) => string;
  /** A value per layer that sets it (what it becomes is `expect`). */
  values: Record<Exclude<Layer, "default">, string>;
  defaultValue: string;
}

const SPECS: Record<"localStore" | "graphstoreRoot" | "sgpath" | "addr", Spec> = {
  localStore: {
    flag: "localStore", variable: "SRC_LOCAL_STORE", ini: (v) => `[serve.Local store]\nStore = ${v}\n`,
    values: { flag: "pgsql", env: "pgsql", "env-file": "pgsql", file: "pgsql" }, defaultValue: "fs",
  },
  graphstoreRoot: {
    flag: "graphstoreRoot", variable: "SRC_GRAPHSTORE_ROOT", ini: (v) => `[serve]\ngraphstore.root = ${v}\n`,
    values: { flag: "/g/flag", env: "/g/env", "env-file": "/g/env-file", file: "/g/file" }, defaultValue: `${HOME}/.sourcegraph/graphstore`,
  },
  sgpath: {
    flag: "sgpath", variable: "SGPATH",
    values: { flag: "/sg/flag", env: "/sg/env", "env-file": "/sg/env-file", file: "" }, defaultValue: `${HOME}/.sourcegraph`,
  },
  addr: {
    flag: "addr", variable: "SRC_ADDR", ini: (v) => `[serve]\naddr = ${v}\n`,
    values: { flag: "10.0.0.1:1", env: "10.0.0.2:2", "env-file": "10.0.0.3:3", file: "10.0.0.4:4" }, defaultValue: "127.0.0.1:3080",
  },
};

/** The input where `layer` sets the setting to `value`, added to `g`. */
function setBy(g: Given, spec: Spec, layer: Layer, value: string): Given {
  const files = { ...g.files };
  if (layer === "flag") return { ...g, flags: { ...g.flags, [spec.flag]: value } };
  if (layer === "env") return { ...g, env: { ...g.env, [spec.variable]: value } };
  if (layer === "env-file") files[ENV] = `${files[ENV] ?? ""}${spec.variable}=${value}\n`;
  if (layer === "file") files[INI] = `${files[INI] ?? ""}${spec.ini!(value)}`;
  return { ...g, files };
}

for (const [name, spec] of Object.entries(SPECS) as [keyof typeof SPECS, Spec][]) {
  test(`${name}: flag > env > env file > config file > default, for every pair`, async () => {
    const layers = LAYERS.filter((l) => l !== "file" || spec.ini !== undefined);
    let pairs = 0;
    for (const [i, high] of layers.entries()) {
      for (const low of layers.slice(i + 1)) {
        // localStore has two values: the higher layer says pgsql, the lower one fs.
        const lowValue = name === "localStore" ? "fs" : low === "default" ? "" : spec.values[low as Exclude<Layer, "default">];
        let g: Given = {};
        if (low !== "default") g = setBy(g, spec, low, lowValue);
        if (high !== "default") g = setBy(g, spec, high, spec.values[high as Exclude<Layer, "default">]);
        const got = (await resolve(g))[name];
        const want = high === "default" ? spec.defaultValue : spec.values[high as Exclude<Layer, "default">];
        assert.is(got.value, want, `${high} over ${low}`);
        assert.is(got.source.kind, high, `${high} over ${low}: source`);
        pairs++;
      }
    }
    assert.is(pairs, (layers.length * (layers.length - 1)) / 2);
  });
}

test("sources name the flag, the variable, and the file and line", async () => {
  const c = await resolve({
    flags: { addr: "0.0.0.0:80" },
    env: { SGPATH: "/srv/sg" },
    files: { [ENV]: "# env\n\nSRC_LOCAL_STORE=pgsql\n", [INI]: "[serve]\n; root\ngraphstore.root = /g\n" },
  });
  assert.equal(c.addr.source, { kind: "flag", name: "--addr" });
  assert.equal(c.sgpath.source, { kind: "env", name: "SGPATH" });
  assert.equal(c.localStore.source, { kind: "env-file", name: "SRC_LOCAL_STORE", file: ENV, line: 3 });
  assert.equal(c.graphstoreRoot.source, { kind: "file", file: INI, line: 3, key: "[serve] graphstore.root" });
});

test("the default graph store root follows sgpath, wherever sgpath came from", async () => {
  assert.is((await resolve({ flags: { sgpath: "/a" } })).graphstoreRoot.value, "/a/graphstore");
  assert.is((await resolve({ env: { SGPATH: "/b/" } })).graphstoreRoot.value, "/b/graphstore");
  assert.is((await resolve({ files: { [ENV]: "SGPATH=/c\n" } })).graphstoreRoot.value, "/c/graphstore");
  assert.is((await resolve({ env: { SGPATH: "/" } })).graphstoreRoot.value, "/graphstore");
});

test("an empty variable or config value counts as unset; an empty flag is refused", async () => {
  const c = await resolve({ env: { SGPATH: "", SRC_LOCAL_STORE: "" }, files: { [INI]: "[serve]\naddr =\n" } });
  assert.is(c.sgpath.value, `${HOME}/.sourcegraph`);
  assert.is(c.localStore.source.kind, "default");
  assert.is(c.addr.value, "127.0.0.1:3080");
  const e = await refusal(resolve({ flags: { sgpath: "" } }));
  assert.is(e.code, "invalid_input");
  assert.is(e.message, "--sgpath: must not be empty");
});

// ---- the seed's config file ----------------------------------------------------------------------

test("the seed's [serve.Local store] / Store = pgsql works as written, and in any case", async () => {
  const variants = [
    "[serve.Local store]\nStore = pgsql\n",
    "[serve.local store]\nstore = pgsql\n",
    "[SERVE.LOCAL STORE]\nSTORE=pgsql",
    "; srcstore\n[serve]\naddr = 127.0.0.1:3080\n\n[Serve.Local Store]\n  Store   =   pgsql   ; the backend\n",
    "[serve.Local store]\r\nStore = \"pgsql\"\r\n",
    "[serve]\n  addr = 127.0.0.1:3080\n  [serve.Local store]\n\tStore = pgsql\n", // indented, as go-flags allowed
  ];
  for (const text of variants) {
    const c = await resolve({ files: { [INI]: text } });
    assert.is(c.localStore.value, "pgsql", JSON.stringify(text));
    assert.is(c.localStore.source.kind, "file");
    assert.equal(c.warnings, [], JSON.stringify(text));
  }
  const seed = await resolve({ files: { [INI]: "[serve.Local store]\nStore = pgsql\n" } });
  assert.equal(seed.localStore.source, { kind: "file", file: INI, line: 2, key: "[serve.Local store] Store" });
  assert.is(seed.configFile, INI);
});

test("a key given twice in the config file: the later one wins and is the line named", async () => {
  const c = await resolve({ files: { [INI]: "[serve.Local store]\nStore = fs\n[Serve.Local Store]\nStore = pgsql\n" } });
  assert.is(c.localStore.value, "pgsql");
  assert.is((c.localStore.source as Extract<Source, { kind: "file" }>).line, 4);
});

test("graphstore.root and addr in [serve], next to [serve.Local store]", async () => {
  const c = await resolve({ files: { [INI]: "[serve]\ngraphstore.root = s3://graphs/prod\naddr = [::1]:0\n[serve.Local store]\nStore = fs\n" } });
  assert.is(c.graphstoreRoot.value, "s3://graphs/prod");
  assert.is(c.addr.value, "[::1]:0");
  assert.is(c.localStore.value, "fs");
  assert.equal(c.warnings, []);
});

// ---- paths ---------------------------------------------------------------------------------------

test("relative paths: next to the config file there, from the working folder in flags and the environment; ~ is home", async () => {
  const file = async (root: string) => (await resolve({ files: { [INI]: `[serve]\ngraphstore.root = ${root}\n` } })).graphstoreRoot.value;
  assert.is(await file("graphs"), "/etc/sg/graphs");
  assert.is(await file("./a/../graphs/"), "/etc/sg/graphs");
  assert.is(await file("~/graphs"), `${HOME}/graphs`);
  assert.is(await file("~"), HOME);
  assert.is((await resolve({ flags: { graphstoreRoot: "g" } })).graphstoreRoot.value, `${CWD}/g`);
  assert.is((await resolve({ env: { SRC_GRAPHSTORE_ROOT: "../g" } })).graphstoreRoot.value, "/work/g");
  assert.is((await resolve({ files: { [ENV]: "SRC_GRAPHSTORE_ROOT=g\n" } })).graphstoreRoot.value, `${CWD}/g`);
  assert.is((await resolve({ flags: { sgpath: "~/sg" } })).sgpath.value, `${HOME}/sg`);
  assert.is((await resolve({ env: { SGPATH: "data//sg/." } })).sgpath.value, `${CWD}/data/sg`);
  assert.is((await resolve({ flags: { sgpath: "~other/sg" } })).sgpath.value, `${CWD}/~other/sg`, "only ~ and ~/ are home");
});

test("graph store roots: s3:// kept as written, other schemes and a mistyped s3: refused", async () => {
  assert.is((await resolve({ flags: { graphstoreRoot: "s3://bucket" } })).graphstoreRoot.value, "s3://bucket");
  const gs = await refusal(resolve({ flags: { graphstoreRoot: "gs://bucket/x" } }));
  assert.is(gs.message, `--graphstore.root: a "gs://" address is neither a folder nor s3://bucket[/prefix]`);
  assert.is(gs.field, "graphstoreRoot");
  assert.match((await refusal(resolve({ env: { SRC_GRAPHSTORE_ROOT: "s3:/bucket" } }))).message, /^SRC_GRAPHSTORE_ROOT: an S3 root is written s3:\/\/bucket/);
  assert.match((await refusal(resolve({ flags: { sgpath: "s3://b" } }))).message, /^--sgpath: must be a folder/);
});

// ---- values --------------------------------------------------------------------------------------

test("a bad value names the file, line, section and key, and what is allowed", async () => {
  const e = await refusal(resolve({ files: { [INI]: "[serve.Local store]\nStore = mysql\n" } }));
  assert.is(e.code, "invalid_input");
  assert.is(e.field, "localStore");
  assert.is(e.message, `${INI}:2: [serve.Local store] Store: must be fs or pgsql, got "mysql"`);
  const list = await refusal(resolve({ files: { [INI]: "[serve]\naddr[] = a:1\naddr[] = b:2\n" } }));
  assert.match(list.message, /^\/etc\/sg\/config\.ini:3: \[serve\] addr: must be one value, not a list$/);
});

test("a bad value from a flag, a variable or the env file names that", async () => {
  assert.is((await refusal(resolve({ flags: { localStore: "PGSQL" } }))).message, `--local-store: must be fs or pgsql, got "PGSQL"`);
  assert.is((await refusal(resolve({ env: { SRC_LOCAL_STORE: "sqlite" } }))).message, `SRC_LOCAL_STORE: must be fs or pgsql, got "sqlite"`);
  assert.match((await refusal(resolve({ files: { [ENV]: "\nSRC_ADDR=localhost\n" } }))).message, /^\/etc\/sg\/config\.env:2: SRC_ADDR: must be host:port, e\.g\. /);
  assert.match((await refusal(resolve({ flags: { addr: "127.0.0.1:65536" } }))).message, /^--addr: the port must be 0 to 65535 \(0: any free port\), got 65536$/);
  assert.match((await refusal(resolve({ flags: { addr: ":3080" } }))).message, /^--addr: must be host:port/);
});

test("a bad value is an error even where a higher layer overrides it: a flag does not hide a broken config file", async () => {
  const broken = { [INI]: "[serve.Local store]\nStore = mysql\n" };
  assert.is((await refusal(resolve({ flags: { localStore: "fs" }, files: broken }))).message, `${INI}:2: [serve.Local store] Store: must be fs or pgsql, got "mysql"`);
  assert.match((await refusal(resolve({ flags: { addr: "127.0.0.1:1" }, env: { SRC_ADDR: "127.0.0.1:2" }, files: { [INI]: "[serve]\naddr = nowhere\n" } }))).message, /^\/etc\/sg\/config\.ini:2: \[serve\] addr: must be host:port/);
  assert.is((await refusal(resolve({ flags: { localStore: "pgsql" }, env: { SRC_LOCAL_STORE: "sqlite" } }))).message, `SRC_LOCAL_STORE: must be fs or pgsql, got "sqlite"`);
  assert.match((await refusal(resolve({ env: { SGPATH: "/sg" }, files: { [ENV]: "SRC_GRAPHSTORE_ROOT=gs://x\n" }, flags: { graphstoreRoot: "/g" } }))).message, /^\/etc\/sg\/config\.env:1: SRC_GRAPHSTORE_ROOT: a "gs:\/\/" address/);
});

test("addr: host names, IPv4 and [IPv6], port 0 to 65535; splitAddr takes it apart", async () => {
  for (const a of ["127.0.0.1:3080", "localhost:0", "src.example.com:65535", "[::]:80", "[::1]:3080", "0.0.0.0:1"]) {
    assert.is((await resolve({ flags: { addr: a } })).addr.value, a);
  }
  assert.equal(splitAddr("[::1]:0"), { host: "::1", port: 0 });
  assert.equal(splitAddr("example.com:3080"), { host: "example.com", port: 3080 });
  assert.is(splitAddr("example.com"), undefined);
  assert.is(splitAddr("http://x:1"), undefined);
});

// ---- files ---------------------------------------------------------------------------------------

test("--config and --env-file: a missing file is an error naming it; relative paths from the working folder", async () => {
  const c = await refusal(resolve({ flags: { config: "nope.ini" } }));
  assert.is(c.code, "invalid_input");
  assert.is(c.message, `--config ${CWD}/nope.ini: no such file`);
  assert.is((await refusal(resolve({ flags: { envFile: "/x/y.env" } }))).message, "--env-file /x/y.env: no such file");
  const given = await resolve({ flags: { config: "my.ini", envFile: "../my.env" }, files: { [`${CWD}/my.ini`]: "[serve]\naddr = a:1\n", "/work/my.env": "SGPATH=/s\n" } });
  assert.is(given.configFile, `${CWD}/my.ini`);
  assert.equal(given.configFileSource, { kind: "flag", name: "--config" });
  assert.is(given.envFile, "/work/my.env");
  assert.is(given.addr.value, "a:1");
  assert.is(given.sgpath.value, "/s");
});

test("the default files are read only when present, and not at all when a flag names another", async () => {
  const none = await resolve({});
  assert.is(none.configFile, undefined);
  assert.is(none.envFile, undefined);
  const both = await resolve({ files: { [INI]: "[serve]\naddr = h:1\n", [ENV]: "SRC_ADDR=h:2\n" } });
  assert.is(both.configFile, INI);
  assert.equal(both.configFileSource, { kind: "default" });
  assert.is(both.envFile, ENV);
  assert.is(both.addr.value, "h:2");
  const read: string[] = [];
  await resolve({ flags: { config: "/other.ini", envFile: "/other.env" }, files: { "/other.ini": "", "/other.env": "", [INI]: "[serve.Local store]\nStore = mysql\n" } }, read);
  assert.equal(read.sort(), ["/other.env", "/other.ini"]);
});

test("a file that cannot be read (not: does not exist) is an error, not silently skipped", async () => {
  const e = await resolveConfig({
    flags: {}, env: {}, home: HOME, cwd: CWD, defaults: { configFile: INI, envFile: ENV },
    readFile: async (p) => {
      if (p === INI) throw new Error(`EACCES: ${p}`);
      return undefined;
    },
  }).then(() => undefined, (x: Error) => x);
  assert.match(String(e?.message), /EACCES/);
});

// ---- env file ------------------------------------------------------------------------------------

test("env file: systemd's quoting, comments and line continuation", () => {
  const text = [
    "# a comment",
    "; another",
    "   ",
    "  PLAIN =  some value  ",
    "SINGLE='it''s $HOME \\n'",
    'DOUBLE="say \\"hi\\" \\\\ \\$x \\n"',
    "JOINED=one \\",
    "  two",
    'MULTI="line 1',
    'line 2"',
    "HASH=a # not a comment",
    "EMPTY=",
    "BACKSLASH=a\\\\b\\c",
    "AFTER=1",
  ].join("\n");
  const { vars, problems } = parseEnvFile(text);
  assert.equal(problems, []);
  const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
  assert.is(byName.PLAIN!.value, "some value");
  assert.is(byName.SINGLE!.value, "its $HOME \\n", "single quotes: literal; pieces join");
  assert.is(byName.DOUBLE!.value, 'say "hi" \\ $x \\n', "double quotes unescape \\\" \\\\ \\$ only, as systemd");
  assert.is(byName.JOINED!.value, "one   two");
  assert.is(byName.MULTI!.value, "line 1\nline 2");
  assert.is(byName.HASH!.value, "a # not a comment");
  assert.is(byName.EMPTY!.value, "");
  assert.is(byName.BACKSLASH!.value, "a\\bc");
  assert.equal(vars.map((v) => [v.name, v.line]), [["PLAIN", 4], ["SINGLE", 5], ["DOUBLE", 6], ["JOINED", 7], ["MULTI", 9], ["HASH", 11], ["EMPTY", 12], ["BACKSLASH", 13], ["AFTER", 14]]);
});

test("env file: CRLF lines, a byte order mark, no final newline", () => {
  const { vars, problems } = parseEnvFile("\uFEFFA=1\r\nB=\"x\"\r\n\r\nC=3");
  assert.equal(problems, []);
  assert.equal(vars, [{ name: "A", value: "1", line: 1 }, { name: "B", value: "x", line: 2 }, { name: "C", value: "3", line: 4 }]);
});

test("env file: a variable set in the environment is not overridden; the file's last assignment wins", async () => {
  const c = await resolve({
    env: { PGHOST: "from-env", SRC_LOCAL_STORE: "fs", EMPTY_BUT_SET: "" },
    files: { [ENV]: "PGHOST=from-file\nPGUSER=first\nPGUSER=second\nSRC_LOCAL_STORE=pgsql\nEMPTY_BUT_SET=x\n" },
  });
  assert.is(c.env.PGHOST, "from-env");
  assert.equal(c.envSources.PGHOST, { kind: "env", name: "PGHOST" });
  assert.is(c.env.PGUSER, "second");
  assert.equal(c.envSources.PGUSER, { kind: "env-file", name: "PGUSER", file: ENV, line: 3 });
  assert.is(c.localStore.value, "fs");
  assert.equal(c.localStore.source, { kind: "env", name: "SRC_LOCAL_STORE" });
  assert.is(c.env.EMPTY_BUT_SET, "", "set, though empty: kept");
});

test("env file: lines without =, bad names, export and an unclosed quote are warnings with their line", async () => {
  const c = await resolve({ files: { [ENV]: "OK=1\njust words\n1BAD=x\nexport PGHOST=db\nLAST=\"never closed\nMORE=2\n" } });
  assert.equal(c.warnings, [
    { file: ENV, line: 2, message: "not a KEY=VALUE line (ignored)" },
    { file: ENV, line: 3, message: `"1BAD" is not a variable name (ignored)` },
    { file: ENV, line: 4, message: `"export PGHOST" is not a variable name (ignored): write the assignment without "export"` },
    { file: ENV, line: 5, message: `"LAST": the quote opened here is not closed before the end of the file (ignored)` },
  ]);
  assert.is(c.env.OK, "1");
  assert.is(c.env.LAST, undefined);
  assert.is(c.env.MORE, undefined, "inside the open quote");
});

// ---- warnings ------------------------------------------------------------------------------------

test("unknown sections and keys are warnings naming them and their line; the known settings still apply", async () => {
  const text = [
    "top = 1", //                 1
    "[serve]", //                 2
    "addr = h:1", //              3
    "graphstore.rot = /x", //     4
    "[serve.Local store]", //     5
    "Store = pgsql", //           6
    "Backend = fs", //            7
    "[database]", //              8
    "host = db", //               9
    "port = 5432", //             10
    "= orphan value", //          11
    "[serve.Local store.extra]", // 12
  ].join("\n");
  const c = await resolve({ files: { [INI]: text } });
  assert.is(c.localStore.value, "pgsql");
  assert.is(c.addr.value, "h:1");
  assert.equal(c.warnings, [
    { file: INI, line: 1, message: `key "top" is outside any section (ignored)` },
    { file: INI, line: 4, message: `unknown key "graphstore.rot" in [serve] (ignored)` },
    { file: INI, line: 7, message: `unknown key "Backend" in [serve.Local store] (ignored)` },
    { file: INI, line: 8, message: "unknown section [database] (ignored)" },
    { file: INI, line: 11, message: "neither a [section] nor a key = value line (ignored)" },
    { file: INI, line: 12, message: "unknown section [serve.Local store.extra] (ignored)" },
  ]);
});

test("a garbled config or env file does not crash: a few warnings, then a count", async () => {
  let seed = 7;
  const garbage = Array.from({ length: 4000 }, () => String.fromCharCode((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256)).join("");
  const c = await resolve({ files: { [INI]: garbage, [ENV]: garbage } });
  assert.is(c.localStore.value, "fs");
  for (const file of [INI, ENV]) {
    const mine = c.warnings.filter((w) => w.file === file);
    assert.ok(mine.length >= 1 && mine.length <= 11, `${file}: ${mine.length} warnings`);
    for (const w of mine) assert.ok(Number.isInteger(w.line) && w.line >= 1);
  }
  const ini = await resolve({ files: { [INI]: "[serve\n[]\n[__proto__]\nx=1\n[serve]\n__proto__ = 1\n\0\0=\0\n" } });
  assert.is(ini.localStore.value, "fs");
});

// ---- src config ----------------------------------------------------------------------------------

test("describeConfig: the settings, the files, then PG*, DATABASE_URL, AWS_*, SRC_* by name, secrets masked", async () => {
  const c = await resolve({
    flags: { localStore: "pgsql" },
    env: {
      HOME: "/home/op", PATH: "/bin", PGHOST: "db", PGPASSWORD: "pg-secret-1",
      DATABASE_URL: "postgres://src:url-secret-2@db:5432/src?sslmode=require&password=url-secret-3",
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "aws-secret-4", AWS_SESSION_TOKEN: "aws-token-5",
    },
    files: { [ENV]: "AWS_SECRET_KEY=aws-secret-6\nSRC_PGSQL_MAX_OPEN=5\n", [INI]: "[serve]\naddr = 0.0.0.0:3080\n" },
  });
  const rows = describeConfig(c);
  assert.equal(rows.slice(0, 6), [
    { name: "local-store", value: "pgsql", source: "flag --local-store" },
    { name: "graphstore.root", value: `${HOME}/.sourcegraph/graphstore`, source: "default" },
    { name: "sgpath", value: `${HOME}/.sourcegraph`, source: "default" },
    { name: "addr", value: "0.0.0.0:3080", source: `${INI}:2` },
    { name: "config", value: INI, source: "default" },
    { name: "env-file", value: ENV, source: "default" },
  ]);
  assert.equal(rows.slice(6), [
    { name: "AWS_ACCESS_KEY_ID", value: "AKIAEXAMPLE", source: "env AWS_ACCESS_KEY_ID" },
    { name: "AWS_SECRET_ACCESS_KEY", value: "****", source: "env AWS_SECRET_ACCESS_KEY" },
    { name: "AWS_SECRET_KEY", value: "****", source: `${ENV}:1` },
    { name: "AWS_SESSION_TOKEN", value: "****", source: "env AWS_SESSION_TOKEN" },
    { name: "DATABASE_URL", value: "postgres://src:****@db:5432/src?sslmode=require&password=****", source: "env DATABASE_URL" },
    { name: "PGHOST", value: "db", source: "env PGHOST" },
    { name: "PGPASSWORD", value: "****", source: "env PGPASSWORD" },
    { name: "SRC_PGSQL_MAX_OPEN", value: "5", source: `${ENV}:2` },
  ]);
  assert.not.match(JSON.stringify(rows), /secret|token-5/);
  const none = describeConfig(await resolve({}));
  assert.equal(none.slice(4), [{ name: "config", value: "(none)", source: "-" }, { name: "env-file", value: "(none)", source: "-" }]);
});

test("describeConfig: a DATABASE_URL in libpq's keyword form has its password masked too", async () => {
  const rows = describeConfig(await resolve({ env: {
    DATABASE_URL: "host=db user=src password=kw-secret-1 dbname=src",
    PGSERVICE_X: "password = 'kw secret 2' sslpassword=kw-secret-3",
  } }));
  assert.is(rows.find((r) => r.name === "DATABASE_URL")?.value, "host=db user=src password=**** dbname=src");
  assert.not.match(JSON.stringify(rows), /kw.secret/);
});

test("no secret reaches an error or a warning", async () => {
  const secret = "hunter2-the-secret";
  const messages: string[] = [];
  const env = { PGPASSWORD: secret, DATABASE_URL: `postgres://u:${secret}@h/db` };
  const collect = async (g: Given) => {
    try {
      messages.push(...(await resolve({ ...g, env: { ...env, ...g.env } })).warnings.map((w) => w.message));
    } catch (e) {
      messages.push((e as Error).message);
    }
  };
  await collect({ files: { [ENV]: `PGPASSWORD ${secret}\n${secret}\nPGPASSWORD="${secret}` } });
  await collect({ files: { [INI]: `[serve]\npassword = ${secret}\n[db]\npassword = ${secret}\n${secret}\n` } });
  await collect({ env: { SRC_ADDR: `postgres://u:${secret}@h/db` } });
  await collect({ flags: { graphstoreRoot: `https://u:${secret}@example.com/x` } });
  await collect({ flags: { localStore: `postgres://u:${secret}@h` } });
  assert.ok(messages.length >= 6, messages.join("\n"));
  for (const m of messages) assert.not.ok(m.includes(secret), m);
});

test.run();
