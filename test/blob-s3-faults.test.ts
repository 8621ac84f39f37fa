/**
 * The S3 blob adapter against servers that misbehave the ways real ones do, shown through the
 * fault-injecting proxy (test/support/s3-proxy.ts) in front of s3rver: bodies cut off after the
 * headers, Range ignored, per-key DeleteObjects failures, Content-MD5 demands, a repeated
 * continuation token, a non-S3 404, error text quoting the Authorization header, a failed
 * multipart upload.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { failure } from "./conformance/harness.ts";
import { collect } from "./conformance/blob.ts";
import { s3Blob } from "../lib/adapters/s3-blob.ts";
import { s3Proxy } from "./support/s3-proxy.ts";
import { closeServer, count, everything, srv, withBlob } from "./support/s3-blob-kit.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const isGet = (req: { method?: string; url?: string }) => req.method === "GET" && !/[?&]list-type=2/.test(req.url ?? "");
const S3_NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

test("a GET whose body is cut off after the headers is fetched again (the SDK retries only until the headers)", () =>
  withBlob(async (blob, proxy) => {
    const data = new Uint8Array(256 * 1024).map((_, i) => (i * 31) & 0xff);
    await blob.put("cut/x", data); // request 1
    assert.equal(await blob.get("cut/x"), data); // request 2 cut, request 3 whole
    assert.equal(await blob.get("cut/x", { start: 1000, end: 3000 }), data.slice(1000, 3000));
    assert.is(count(proxy.log, / cut$/), 2, proxy.log.join("\n"));
    assert.is(proxy.log.length, 5, proxy.log.join("\n"));
  }, { p: { fault: (n) => (n === 2 || n === 4 ? "cut" : undefined) } }));

test("a body cut off every time is unavailable (retryable) after maxAttempts requests, naming the key", () =>
  withBlob(async (blob, proxy) => {
    await blob.put("cut/y", new Uint8Array(64 * 1024).fill(7));
    const e = await failure(blob.get("cut/y"));
    assert.equal([e.code, e.retryable], ["unavailable", true], e.message);
    assert.match(e.message, /"cut\/y"/);
    assert.match(e.message, /after 3 attempts/);
    assert.is(count(proxy.log, / cut$/), 3, proxy.log.join("\n"));
  }, { maxAttempts: 3, p: { fault: (_n, req) => (isGet(req) ? "cut" : undefined) } }));

test("a server that ignores Range (200, whole object): get() still returns only the range", () =>
  withBlob(async (blob) => {
    await blob.put("r", enc.encode("0123456789"));
    assert.is(dec.decode(await blob.get("r", { start: 2, end: 5 })), "234");
    assert.is(dec.decode(await blob.get("r", { start: 7 })), "789");
    assert.is(dec.decode(await blob.get("r", { start: 8, end: 100 })), "89");
    assert.is(dec.decode(await blob.get("r")), "0123456789");
  }, { p: { fault: (_n, req) => (isGet(req) ? { drop: ["range"] } : undefined) } }));

test("a GET answered by a bare 404 (no S3 error code: not an S3 server) is an error, not a missing object", () =>
  withBlob(async (blob) => {
    const e = await failure(blob.get("some/key"));
    assert.is(e.code, "internal", e.message);
    assert.match(e.message, /HTTP 404/);
  }, { p: { fault: (_n, req) => (isGet(req) ? { raw: { status: 404, body: "<html>Not Found</html>", headers: { "content-type": "text/html" } } } : undefined) } }));

const deleteResult = (key: string, code: string) => () =>
  `<?xml version="1.0" encoding="UTF-8"?><DeleteResult ${S3_NS}><Error><Key>${key}</Key><Code>${code}</Code><Message>${code}</Message></Error></DeleteResult>`;
const isBatchDelete = (req: { method?: string; url?: string }) => req.method === "POST" && /\?delete/.test(req.url ?? "");

test("DeleteObjects answering 200 with per-key InternalError: those keys are sent again, and all are gone", async () => {
  let batches = 0;
  await withBlob(async (blob, proxy) => {
    for (const k of ["d/1", "d/2", "d/3"]) await blob.put(k, enc.encode(k));
    await blob.delete(["d/1", "d/2", "d/3"]);
    assert.is(count(proxy.log, /^POST .*\?delete/), 2, proxy.log.join("\n"));
    assert.equal(await collect(blob.list("d/")), []);
  }, { p: { fault: (_n, req) => (isBatchDelete(req) && ++batches === 1 ? { rewrite: deleteResult("root/p/d/2", "InternalError") } : undefined) } });
});

test("per-key failures: AccessDenied is permission_denied at once; InternalError every time is unavailable after maxAttempts", async () => {
  await withBlob(async (blob, proxy) => {
    await blob.put("d/1", enc.encode("x"));
    const e = await failure(blob.delete(["d/1"]));
    assert.is(e.code, "permission_denied", e.message);
    assert.match(e.message, /1 of 1 deletes failed \(first: "d\/1"\)/);
    assert.is(count(proxy.log, /^POST .*\?delete/), 1);
  }, { p: { fault: (_n, req) => (isBatchDelete(req) ? { rewrite: deleteResult("root/p/d/1", "AccessDenied") } : undefined) } });
  await withBlob(async (blob, proxy) => {
    await blob.put("d/1", enc.encode("x"));
    const e = await failure(blob.delete(["d/1"]));
    assert.equal([e.code, e.retryable], ["unavailable", true], e.message);
    assert.match(e.message, /after 3 attempts/);
    assert.is(count(proxy.log, /^POST .*\?delete/), 3);
  }, { maxAttempts: 3, p: { fault: (_n, req) => (isBatchDelete(req) ? { rewrite: deleteResult("root/p/d/1", "InternalError") } : undefined) } });
});

test("a server that wants Content-MD5 on DeleteObjects (MissingContentMD5) gets one DeleteObject per key", () =>
  withBlob(async (blob, proxy) => {
    for (const k of ["m/1", "m/2"]) await blob.put(k, enc.encode(k));
    await blob.delete(["m/1", "m/2", "m/none"]);
    assert.is(count(proxy.log, /^POST .*\?delete.* -> 400/), 1, proxy.log.join("\n"));
    assert.is(count(proxy.log, /^DELETE .* -> 2\d\d/), 3, proxy.log.join("\n"));
    assert.equal(await collect(blob.list("m/")), []);
  }, { p: { fault: (_n, req) => (isBatchDelete(req) ? { status: 400, code: "MissingContentMD5", message: "Missing required header for this request: Content-Md5." } : undefined) } }));

test("a server repeating its continuation token: list() stops with internal instead of asking forever", () =>
  withBlob(async (blob, proxy) => {
    const e = await failure(collect(blob.list("")));
    assert.is(e.code, "internal", e.message);
    assert.match(e.message, /same continuation token/);
    assert.is(count(proxy.log, /list-type=2/), 2, proxy.log.join("\n"));
  }, {
    p: {
      fault: (n, req) => {
        if (!/list-type=2/.test(req.url ?? "")) return undefined;
        if (n > 30) return { status: 500, code: "InternalError" }; // ends the run when the loop is not caught
        return { raw: { status: 200, headers: { "content-type": "application/xml" }, body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult ${S3_NS}><Name>b</Name><Prefix>root/p/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>same-token</NextContinuationToken><Contents><Key>root/p/x</Key><Size>1</Size></Contents></ListBucketResult>` } };
      },
    },
  }));

test("server error text quoting the Authorization header or a secret shows no signature, credential or token", async () => {
  const s = await srv();
  const token = "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken" + "x".repeat(40);
  const signatures: string[] = [];
  const leaks: string[] = [];
  await withBlob(async (blob) => {
    for (const key of ["a", "b", "c"]) {
      const e = await failure(blob.get(key));
      assert.is(e.code, "internal", e.message);
      assert.match(e.message, /InvalidArgument/);
      const all = everything(e);
      const secrets = { secret: s.secretAccessKey, "part of the secret": s.secretAccessKey.slice(21, 33), "key id": s.accessKeyId, token, "part of the token": token.slice(5, 29), signature: signatures.at(-1)! };
      for (const [what, value] of Object.entries(secrets)) if (all.includes(value)) leaks.push(`${key}: ${what}`);
    }
  }, {
    env: { AWS_SESSION_TOKEN: token },
    p: {
      fault: (n, req) => {
        const auth = String(req.headers.authorization ?? "");
        const signature = /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? "no signature seen";
        signatures.push(signature);
        // a: the signature and the header quoted; b and c: a secret straddling the 300th character.
        const message = n === 1 ? `Signature ${signature} not accepted for Authorization: ${auth} X-Amz-Security-Token: ${String(req.headers["x-amz-security-token"])}`
          : n === 2 ? `${"x".repeat(267)}${s.secretAccessKey}`
          : `${"y".repeat(270)}${token}`;
        return { status: 400, code: "InvalidArgument", message };
      },
    },
  });
  assert.equal(leaks, [], `leaked: ${leaks.join(", ")}`);
});

test("a multipart upload whose part fails is aborted (AbortMultipartUpload): no parts left, unavailable", () =>
  withBlob(async (blob, proxy) => {
    const big = new Uint8Array(20 * 1024 * 1024).fill(3);
    const e = await failure(blob.put("big/obj", big));
    assert.equal([e.code, e.retryable], ["unavailable", true], e.message);
    assert.is(count(proxy.log, /^DELETE \S*big\/obj\?uploadId=.* -> 204/), 1, proxy.log.join("\n"));
    assert.is(count(proxy.log, /^POST \S*big\/obj\?uploadId=/), 0, "never completed");
    assert.is(await blob.get("big/obj"), undefined);
    console.log("\n# a failed part: the upload was aborted (DELETE ?uploadId), the error is unavailable");
  }, {
    maxAttempts: 2,
    p: {
      fault: (_n, req) => {
        const url = req.url ?? "";
        if (req.method === "PUT" && /[?&]partNumber=2\b/.test(url)) return { status: 500, code: "InternalError" };
        // s3rver has no AbortMultipartUpload: answered here as S3 does.
        if (req.method === "DELETE" && /[?&]uploadId=/.test(url)) return { raw: { status: 204 } };
        return undefined;
      },
    },
  }));

test("an endpoint in the process environment does not redirect a port whose settings (env) name none", async () => {
  const s = await srv();
  const proxy = await s3Proxy({ target: s.endpoint });
  const saved = process.env.AWS_ENDPOINT_URL_S3;
  process.env.AWS_ENDPOINT_URL_S3 = proxy.endpoint; // what the SDK would pick up by itself
  const blob = await s3Blob({ bucket: s.bucket, maxAttempts: 1, env: { AWS_ACCESS_KEY_ID: s.accessKeyId, AWS_SECRET_ACCESS_KEY: s.secretAccessKey, AWS_REGION: "us-east-1" } });
  try {
    assert.is(blob.location, `s3://${s.bucket}`);
    await failure(blob.get("x")); // AWS itself: unreachable here, or refusing the test's key
    assert.equal(proxy.log, [], "the request went to the process environment's endpoint");
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
    else process.env.AWS_ENDPOINT_URL_S3 = saved;
    await blob.close();
    await proxy.close();
  }
});

test("closes the S3 server", closeServer);

test.run();
