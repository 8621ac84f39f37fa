/**
 * The S3 blob adapter against a real S3-compatible server (s3rver, in this process) and, where
 * s3rver cannot show a behaviour, a small proxy in front of it (test/support/s3-proxy.ts): paging,
 * multipart, byte-exact bodies, errors without secrets, retries, batch deletes, and the settings.
 */
import { execFile } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort } from "./support/free-port.ts";
import { failure } from "./conformance/harness.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { s3Blob, parseS3Root } from "../lib/adapters/s3-blob.ts";
import { s3Settings } from "../lib/adapters/s3-settings.ts";
import { s3Error } from "../lib/adapters/s3-errors.ts";
import { isStoreError, type StoreError } from "../lib/errors.ts";
import { compareKeys } from "../lib/blob-key.ts";
import type { BlobPort } from "../lib/ports/blob.ts";
import { s3Proxy, type ProxyOptions } from "./support/s3-proxy.ts";
import { closeServer, count, noCredentials, srv, withBlob } from "./support/s3-blob-kit.ts";
import { isDeno, tempDir } from "./support/disk-fs.ts";
import { repoRoot } from "./support/spawn.ts";

const enc = new TextEncoder();

test("parseS3Root accepts s3://bucket[/prefix] and rejects bad buckets and prefixes", () => {
  assert.equal(parseS3Root("s3://my-bucket"), { bucket: "my-bucket", prefix: "" });
  assert.equal(parseS3Root("s3://my.bucket.1/"), { bucket: "my.bucket.1", prefix: "" });
  assert.equal(parseS3Root("s3://b12/graph/prod/"), { bucket: "b12", prefix: "graph/prod" });
  assert.equal(parseS3Root("s3://b12/ünï code"), { bucket: "b12", prefix: "ünï code" });
  for (const bad of ["s3:/b", "gs://bucket", "s3://", "s3://ab", "s3://Upper", "s3://under_score", "s3://-dash", "s3://dash-", "s3://a..b",
    "s3://192.168.1.1", "s3://xn--abc", "s3://abc-s3alias", "s3://" + "a".repeat(64), "s3://b12//x", "s3://b12/a/../x", "s3://b12/./x",
    "s3://b12/a\\b", "s3://b12/a?x=1", "s3://b12/a\nb"]) {
    let err: unknown;
    try {
      parseS3Root(bad, "graphstore.root");
    } catch (e) {
      err = e;
    }
    assert.ok(isStoreError(err, "invalid_input"), `${JSON.stringify(bad)} should be rejected`);
    assert.is((err as StoreError).field, "graphstore.root");
  }
  let err: unknown;
  try {
    parseS3Root("s3://AKIAXXXX:topsecret@bucket/x");
  } catch (e) {
    err = e;
  }
  assert.ok(isStoreError(err, "invalid_input"));
  noCredentials(err, "topsecret", "AKIAXXXX");
});

test("settings: AWS_SECRET_KEY alias, region and endpoint fallbacks, path style, attempts, location", () => {
  const a = s3Settings({ bucket: "bkt", env: { AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_KEY: "old-name-secret" } });
  assert.equal(a.credentials, { accessKeyId: "AKIA1", secretAccessKey: "old-name-secret" });
  assert.equal([a.region, a.endpoint, a.forcePathStyle, a.isAws, a.maxAttempts, a.location], ["us-east-1", undefined, false, true, 5, "s3://bkt"]);
  const b = s3Settings({ bucket: "bkt", prefix: "p/q", env: { AWS_ACCESS_KEY_ID: "AKIA1", AWS_SECRET_ACCESS_KEY: "std", AWS_SECRET_KEY: "old", AWS_SESSION_TOKEN: "tok",
    AWS_DEFAULT_REGION: "eu-west-1", AWS_ENDPOINT_URL: "http://generic:9000", AWS_ENDPOINT_URL_S3: "http://minio:9000/" } });
  assert.equal(b.credentials, { accessKeyId: "AKIA1", secretAccessKey: "std", sessionToken: "tok" });
  assert.equal([b.region, b.endpoint, b.forcePathStyle, b.isAws, b.location], ["eu-west-1", "http://minio:9000", true, false, "s3://bkt/p/q (http://minio:9000)"]);
  assert.not.ok(b.location.includes("std") || b.location.includes("AKIA1"));
  const c = s3Settings({ bucket: "bkt", env: { AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "eu-west-1", AWS_ENDPOINT_URL: "https://acct.r2.cloudflarestorage.com", SRC_S3_FORCE_PATH_STYLE: "false", AWS_MAX_ATTEMPTS: "3" } });
  assert.equal([c.region, c.endpoint, c.forcePathStyle, c.isAws, c.credentials, c.maxAttempts], ["ap-south-1", "https://acct.r2.cloudflarestorage.com", false, false, undefined, 3]);
  const d = s3Settings({ bucket: "bkt", env: { SRC_S3_FORCE_PATH_STYLE: "true", AWS_ENDPOINT_URL_S3: "https://s3.eu-west-1.amazonaws.com" } });
  assert.equal([d.forcePathStyle, d.isAws], [true, true]);
  const e = s3Settings({ bucket: "bkt", region: "auto", endpoint: "http://x:1", forcePathStyle: false, maxAttempts: 2, credentials: { accessKeyId: "K", secretAccessKey: "S" }, env: { AWS_REGION: "eu-west-1", SRC_S3_FORCE_PATH_STYLE: "true" } });
  assert.equal([e.region, e.endpoint, e.forcePathStyle, e.maxAttempts, e.credentials?.accessKeyId], ["auto", "http://x:1", false, 2, "K"]);

  const rejects = (env: Record<string, string>, code: string, field?: string) => {
    try {
      s3Settings({ bucket: "bkt", env });
    } catch (x) {
      assert.ok(isStoreError(x, code as "invalid_input"), `${JSON.stringify(env)}: ${String(x)}`);
      if (field) assert.is((x as StoreError).field, field);
      noCredentials(x, "the-secret", "AKIA9");
      return;
    }
    assert.unreachable(`${JSON.stringify(env)} should be rejected`);
  };
  rejects({ SRC_S3_FORCE_PATH_STYLE: "yes" }, "invalid_input", "SRC_S3_FORCE_PATH_STYLE");
  rejects({ AWS_ENDPOINT_URL_S3: "ftp://x" }, "invalid_input", "AWS_ENDPOINT_URL_S3");
  rejects({ AWS_ENDPOINT_URL_S3: "http://AKIA9:the-secret@minio:9000" }, "invalid_input", "AWS_ENDPOINT_URL_S3");
  rejects({ AWS_MAX_ATTEMPTS: "0" }, "invalid_input", "AWS_MAX_ATTEMPTS");
  rejects({ AWS_REGION: "eu west" }, "invalid_input", "AWS_REGION");
  rejects({ AWS_ACCESS_KEY_ID: "AKIA9" }, "permission_denied");
  rejects({ AWS_SECRET_KEY: "the-secret" }, "permission_denied");
});

test("put, get (whole, ranges), list and delete under a prefix; missing keys", () =>
  withBlob(async (blob, _proxy, s, bucket) => {
    assert.is(blob.location, `s3://${bucket}/root/p (${blob.location.slice(blob.location.indexOf("(") + 1, -1)})`);
    assert.not.ok(blob.location.includes(s.secretAccessKey) || blob.location.includes(s.accessKeyId));
    await blob.put("a/b.json", enc.encode("0123456789"));
    await blob.put("a/c", new Uint8Array(0));
    await blob.put("a-d", enc.encode("x"));
    assert.equal(await blob.get("a/b.json"), enc.encode("0123456789"));
    assert.equal(await blob.get("a/b.json", { start: 2, end: 5 }), enc.encode("234"));
    assert.equal(await blob.get("a/b.json", { start: 7 }), enc.encode("789"));
    assert.equal(await blob.get("a/b.json", { start: 8, end: 100 }), enc.encode("89"));
    assert.equal(await blob.get("a/b.json", { start: 10 }), new Uint8Array(0));
    assert.equal(await blob.get("a/b.json", { start: 50, end: 60 }), new Uint8Array(0));
    assert.equal(await blob.get("a/b.json", { start: 3, end: 3 }), new Uint8Array(0));
    assert.equal(await blob.get("a/c"), new Uint8Array(0));
    assert.equal(await blob.get("a/c", { start: 0, end: 0 }), new Uint8Array(0));
    assert.equal(await blob.get("a/c", { start: 2 }), new Uint8Array(0));
    // Not asked: { start: 0, end: 4 } of the empty object. s3rver answers 206 with Content-Length 1
    // and no body (S3 answers 416), and the client waits for the missing byte until its timeout.
    assert.is(await blob.get("a/none"), undefined);
    assert.is(await blob.get("a/none", { start: 1, end: 1 }), undefined);
    const all = [];
    for await (const e of blob.list("a/")) all.push(e);
    assert.equal(all.map((e) => `${e.key}:${e.size}`).sort(), ["a/b.json:10", "a/c:0"]);
    await blob.delete(["a/b.json", "a/none", "a/b.json"]);
    assert.is(await blob.get("a/b.json"), undefined);
    const rest = [];
    for await (const e of blob.list("")) rest.push(e.key);
    assert.equal(rest.sort(), ["a-d", "a/c"]);
    const bad = await failure(blob.put("../x", enc.encode("x")));
    assert.is(bad.code, "invalid_input");
  }));

test("lists 2,506 keys in order across ListObjectsV2 pages, and deletes them in batches of 1,000", () =>
  withBlob(async (blob, proxy) => {
    // Around the first page boundary, keys that JS and folder order put elsewhere than S3 does.
    const odd = ["k/00999!", "k/00999-x", "k/00999.x", "k/00999/x", "k/00999\uff61", "k/00999\u{1F600}"];
    const keys = [...Array.from({ length: 2500 }, (_, i) => `k/${String(i).padStart(5, "0")}`), ...odd].sort(compareKeys);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => blob.put(k, enc.encode(k))));
    await blob.put("kz", enc.encode("outside the prefix"));
    proxy.log.length = 0;
    const listed: string[] = [];
    for await (const e of blob.list("k/")) listed.push(e.key);
    assert.is(listed.length, keys.length);
    assert.equal(listed, keys);
    const pages = count(proxy.log, /^GET .*list-type=2/);
    assert.is(pages, 3, proxy.log.join("\n"));
    console.log(`\n# listed ${keys.length} keys in ${pages} pages, in UTF-8 byte order`);
    proxy.log.length = 0;
    await blob.delete(keys);
    // s3rver sometimes answers a batch with 500 (a race between its own file deletions): retried.
    assert.is(count(proxy.log, /^POST .*\?delete.* -> 200/), 3, proxy.log.join("\n"));
    const retried = count(proxy.log, /^POST .*\?delete.* -> 5\d\d/);
    if (retried) console.log(`\n# deletes: s3rver failed ${retried} batch(es) with 5xx; the SDK retried them`);
    const left: string[] = [];
    for await (const e of blob.list("")) left.push(e.key);
    assert.equal(left, ["kz"]);
  }));

test("a 20 MiB put goes up in parts (lib-storage) and reads back byte-identical", () =>
  withBlob(async (blob, proxy) => {
    const big = new Uint8Array(20 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >>> 11)) & 0xff;
    await blob.put("big/obj", big);
    const created = count(proxy.log, /^POST \S*big\/obj\?uploads/), parts = count(proxy.log, /^PUT \S*big\/obj\?.*partNumber=/), done = count(proxy.log, /^POST \S*big\/obj\?uploadId=/);
    assert.equal([created, parts, done], [1, 3, 1], proxy.log.join("\n"));
    assert.is(count(proxy.log, /^PUT \S*big\/obj -> /), 0, "no single PutObject");
    console.log(`\n# 20 MiB put: CreateMultipartUpload, ${parts} UploadPart, CompleteMultipartUpload`);
    const back = await blob.get("big/obj");
    assert.ok(back && back.length === big.length && Buffer.compare(back, big) === 0, "bytes differ");
    assert.equal(await blob.get("big/obj", { start: 16 * 1024 * 1024 - 2, end: 16 * 1024 * 1024 + 2 }), big.subarray(16 * 1024 * 1024 - 2, 16 * 1024 * 1024 + 2));
    for await (const e of blob.list("big/")) assert.is(e.size, big.length);
  }));

test("a put round-trips all 256 byte values: bytes body, no aws-chunked framing stored", () =>
  withBlob(async (blob, proxy) => {
    const bytes = new Uint8Array(256 * 4).map((_, i) => i & 0xff);
    await blob.put("bin/all", bytes);
    await blob.put("bin/view", bytes.subarray(3, 259));
    assert.equal(await blob.get("bin/all"), bytes);
    assert.equal(await blob.get("bin/view"), bytes.slice(3, 259));
    const sizes: Record<string, number> = {};
    for await (const e of blob.list("bin/")) sizes[e.key] = e.size;
    assert.equal(sizes, { "bin/all": 1024, "bin/view": 256 });
    assert.is(count(proxy.log, /^PUT /), 2);
  }, { p: { fault: (_n, req) => (/aws-chunked/.test(String(req.headers["content-encoding"] ?? "")) || req.headers["x-amz-decoded-content-length"] ? { status: 400, code: "ChunkedNotExpected" } : undefined) } }));

test("a wrong secret is permission_denied naming the bucket and settings, with no credential anywhere", async () => {
  const s = await srv();
  const proxy = await s3Proxy({ target: s.endpoint, verify: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } });
  const env = { ...s.env, AWS_ENDPOINT_URL_S3: proxy.endpoint };
  const good = await s3Blob({ bucket: s.bucket, env });
  const wrongSecret = "wrong-" + s.secretAccessKey.slice(6);
  const bad = await s3Blob({ bucket: s.bucket, env: { ...env, AWS_SECRET_ACCESS_KEY: wrongSecret } });
  try {
    await good.put("auth/x", enc.encode("signed right")); // the verifying proxy accepts a correct signature
    assert.equal(await good.get("auth/x"), enc.encode("signed right"));
    for (const op of [() => bad.get("auth/x"), () => bad.put("auth/y", enc.encode("y")), async () => { for await (const _ of bad.list("")) break; }]) {
      const e = await failure(op());
      assert.is(e.code, "permission_denied", e.message);
      assert.match(e.message, `"${s.bucket}"`);
      assert.match(e.message, /AWS_ACCESS_KEY_ID/);
      assert.match(e.message, /AWS_SECRET_ACCESS_KEY.*AWS_SECRET_KEY/);
      assert.match(e.message, /SignatureDoesNotMatch/);
      noCredentials(e, wrongSecret, s.secretAccessKey, s.accessKeyId);
    }
    assert.is(count(proxy.log, /-> 403/), 3, "each refused once, not retried");
  } finally {
    await good.close();
    await bad.close();
    await proxy.close();
  }
});

test("an unknown access key id is permission_denied, without the id or secret", async () => {
  const s = await srv();
  const blob = await s3Blob({ bucket: s.bucket, env: { ...s.env, AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY000001", AWS_SECRET_KEY: "some-other-secret" } });
  try {
    const e = await failure(blob.get("x"));
    assert.is(e.code, "permission_denied");
    assert.match(e.message, /InvalidAccessKeyId/);
    assert.match(e.message, `"${s.bucket}"`);
    noCredentials(e, "AKIAUNKNOWNKEY000001", "some-other-secret");
  } finally {
    await blob.close();
  }
});

test("a missing bucket is unavailable naming the bucket and the endpoint", async () => {
  const s = await srv();
  const blob = await s3Blob({ bucket: "no-such-bucket-here", env: s.env });
  try {
    for (const op of [() => blob.get("x"), () => blob.put("x", enc.encode("x")), async () => { for await (const _ of blob.list("")) break; }, () => blob.delete(["x"])]) {
      const e = await failure(op());
      assert.is(e.code, "unavailable");
      assert.is(e.message, `S3 bucket "no-such-bucket-here" does not exist at ${s.endpoint}`);
      noCredentials(e, s.secretAccessKey, s.accessKeyId);
    }
  } finally {
    await blob.close();
  }
});

test("a closed port is unavailable and retryable after maxAttempts tries", async () => {
  const s = await srv();
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  const blob = await s3Blob({ bucket: s.bucket, maxAttempts: 2, env: { ...s.env, AWS_ENDPOINT_URL_S3: endpoint } });
  try {
    const e = await failure(blob.get("x"));
    assert.equal([e.code, e.retryable], ["unavailable", true]);
    assert.match(e.message, `S3 at ${endpoint} is unreachable (ECONNREFUSED) after 2 attempts`);
    noCredentials(e, s.secretAccessKey, s.accessKeyId);
  } finally {
    await blob.close();
  }
});

test("retries: 503 SlowDown, 500 and connection resets are retried until the call succeeds", async () => {
  const cases: [string, (n: number) => ReturnType<NonNullable<ProxyOptions["fault"]>>, (b: BlobPort) => Promise<unknown>][] = [
    ["2x 503 SlowDown on get", (n) => (n <= 3 && n > 1 ? { status: 503, code: "SlowDown", message: "Please reduce your request rate." } : undefined), (b) => b.get("r/x")],
    ["2x 500 on list", (n) => (n <= 3 && n > 1 ? { status: 500, code: "InternalError" } : undefined), async (b) => { for await (const _ of b.list("r/")) void 0; }],
    ["1 reset on put", (n) => (n === 2 ? "reset" : undefined), (b) => b.put("r/y", enc.encode("after a reset"))],
  ];
  for (const [label, fault, op] of cases) {
    await withBlob(async (blob, proxy) => {
      await blob.put("r/x", enc.encode("x")); // request 1 passes
      await op(blob);
      assert.is(proxy.log.length, 1 + (label.startsWith("1") ? 2 : 3), `${label}:\n${proxy.log.join("\n")}`);
    }, { p: { fault } });
  }
});

test("retries are bounded: always 503 is unavailable (retryable) after exactly maxAttempts requests", () =>
  withBlob(async (blob, proxy) => {
    const e = await failure(blob.get("x"));
    assert.equal([e.code, e.retryable], ["unavailable", true]);
    assert.match(e.message, /ServiceUnavailable, HTTP 503\) after 3 attempts/);
    assert.is(proxy.log.length, 3, proxy.log.join("\n"));
  }, { maxAttempts: 3, p: { fault: () => ({ status: 503, code: "ServiceUnavailable" }) } }));

test("a server without multi-object delete (501) gets one DeleteObject per key", () =>
  withBlob(async (blob, proxy) => {
    for (const k of ["d/1", "d/2", "d/3"]) await blob.put(k, enc.encode(k));
    await blob.delete(["d/1", "d/2", "d/3", "d/none"]);
    assert.is(count(proxy.log, /^POST .*\?delete.* -> 501/), 1);
    assert.is(count(proxy.log, /^DELETE .* -> 2\d\d/), 4, proxy.log.join("\n")); // s3rver may 5xx one: retried
    const left: string[] = [];
    for await (const e of blob.list("d/")) left.push(e.key);
    assert.equal(left, []);
  }, { p: { fault: (_n, req) => (req.method === "POST" && /\?delete/.test(req.url ?? "") ? { status: 501, code: "NotImplemented" } : undefined) } }));

/**
 * Runs test/support/s3-no-credentials-child.ts on `root` in an environment with no credential the
 * SDK's chain could find: no AWS_* variable but `extra`, HOME an empty folder, the AWS config files
 * missing, instance metadata off (so nothing waits on 169.254.169.254), and an endpoint on a closed
 * port (so credentials found after all would show as "unreachable", not hang on the network).
 */
async function runWithoutCredentials(root: string, extra: Record<string, string> = {}): Promise<{ lines: Record<string, unknown>[]; ms: number }> {
  const home = await tempDir("srcstore-nocreds-");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AWS_")) env[k] = v;
  Object.assign(env, {
    HOME: home.dir,
    USERPROFILE: home.dir,
    // Deno keeps its module cache under HOME unless told: the real one, so the child starts warm.
    DENO_DIR: process.env.DENO_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "deno"),
    AWS_CONFIG_FILE: join(home.dir, "missing-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home.dir, "missing-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    NO_COLOR: "1",
    ...extra,
  });
  const child = join(repoRoot, "test", "support", "s3-no-credentials-child.ts");
  const D = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [cmd, argv] = isDeno ? [D!.execPath(), ["run", "-A", "--quiet", child, root]] : [process.execPath, ["--import", "tsx", child, root]];
  const start = Date.now();
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(cmd, argv, { cwd: repoRoot, env, timeout: 30_000 }, (err, out, stderr) => (err ? reject(new Error(`child failed: ${err.message}\n${stderr}`)) : resolve(out)));
    });
    return { lines: stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>), ms: Date.now() - start };
  } finally {
    await home.remove();
  }
}

test("no credentials anywhere (settings, SDK chain): permission_denied saying what to set, not that S3 denied access, at once", async () => {
  const { lines, ms } = await runWithoutCredentials("s3://bkt/graph/prod");
  assert.equal(lines.map((l) => l.op), ["get", "put", "list", "delete"]);
  for (const l of lines) {
    assert.is(l.code, "permission_denied", JSON.stringify(l));
    assert.is(l.message, "no AWS credentials were found for s3://bkt/graph/prod (http://127.0.0.1:9): set AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), "
      + "or AWS_PROFILE, or another source the AWS SDK reads (~/.aws/credentials and ~/.aws/config, SSO, web identity, container or instance role)");
    assert.is(l.cause, "CredentialsProviderError: CredentialsProviderError");
    assert.ok((l.ms as number) < 3_000, `${l.op} took ${l.ms} ms`);
  }
  console.log(`\n# no credentials: the child ran get, put, list and delete in ${ms} ms (startup included), each refused before any request`);
  // A profile named but absent: the chain still finds nothing.
  const named = await runWithoutCredentials("s3://bkt", { AWS_PROFILE: "no-such-profile" });
  assert.is(named.lines[0]!.code, "permission_denied");
  assert.match(named.lines[0]!.message as string, /^no AWS credentials were found for s3:\/\/bkt \(http:\/\/127\.0\.0\.1:9\): set AWS_ACCESS_KEY_ID/);
});

test("a credential source the SDK found but could not use: permission_denied with its reason on one line, no token", () => {
  const s = s3Settings({ bucket: "bkt", prefix: "p", env: {} });
  const sso = Object.assign(new Error("The SSO session associated with this profile has expired.\nTo refresh this SSO session run aws sso login with the corresponding profile."), { name: "CredentialsProviderError", tryNextLink: false });
  const e = s3Error(sso, s);
  assert.is(e.code, "permission_denied");
  assert.is(e.message, "the AWS SDK could not load credentials for s3://bkt/p (The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.): "
    + "fix that source, or set AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), or AWS_PROFILE, or another source the AWS SDK reads (~/.aws/credentials and ~/.aws/config, SSO, web identity, container or instance role)");
  const token = "IQoJb3JpZ2luX2VjEXAMPLEtoken/abc+def=" + "z".repeat(30);
  const leaky = s3Error(Object.assign(new Error(`Failed to refresh token: bad token ${token} for AKIAABCDEFGHIJKLMNOP`), { name: "CredentialsProviderError" }), s);
  assert.is(leaky.code, "permission_denied");
  assert.match(leaky.message, /^the AWS SDK could not load credentials for s3:\/\/bkt\/p \(Failed to refresh token: bad token \*\*\* for \*\*\*\)/);
  noCredentials(leaky, token, token.slice(0, 20), "AKIAABCDEFGHIJKLMNOP");
  const chainEnd = s3Error(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), s);
  assert.match(chainEnd.message, /^no AWS credentials were found for s3:\/\/bkt\/p: set AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY \(or AWS_SECRET_KEY\), or AWS_PROFILE, /);
  assert.not.match(chainEnd.message, /denied/);
});

test("closes the S3 server", closeServer);

test.run();
