/**
 * A small HTTP proxy in front of the test S3 server (test/support/s3-server.ts), for what s3rver
 * cannot show by itself:
 * - `log`: every request's method and URL, to count list pages, multipart parts and retries;
 * - `fault`: answer a request with an S3 error (e.g. 503 SlowDown), with a raw answer, or cut its
 *   connection; or pass it on without some headers ("drop"), cut its answer's body halfway ("cut"),
 *   or with its answer's body rewritten ("rewrite");
 * - `verify`: check AWS Signature V4 the way S3 does. s3rver 3.7 does not verify V4 signatures at
 *   all, so a wrong secret passes it; behind this proxy a wrong secret gets S3's real answer, a 403
 *   SignatureDoesNotMatch whose XML (like S3's) quotes the access key id and the string to sign.
 * Works on Node and Deno (node:http).
 */
import http from "node:http";
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";

export type Fault =
  | { status: number; code: string; message?: string }
  | "reset"
  /** The server's status and headers, then half of its body, then the connection closes. */
  | "cut"
  | { raw: { status: number; body?: string; headers?: Record<string, string> } }
  /** Passed on without these request headers (lower case). */
  | { drop: string[] }
  /** Passed on; the server's answer body replaced by rewrite(body). */
  | { rewrite: (body: string) => string };

export interface ProxyOptions {
  /** The real server, e.g. s3Server().endpoint. */
  target: string;
  /** Called for request number n (1-based): a fault to answer with, or undefined to pass it on. */
  fault?: (n: number, req: http.IncomingMessage) => Fault | undefined;
  /** Check Signature V4 against this key pair (other key ids pass through to the server). */
  verify?: { accessKeyId: string; secretAccessKey: string };
}

export interface S3Proxy {
  endpoint: string;
  /** "GET /bucket/key?x=1 -> 200", in arrival order. */
  log: string[];
  close(): Promise<void>;
}

export async function s3Proxy(o: ProxyOptions): Promise<S3Proxy> {
  const target = new URL(o.target);
  const log: string[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const i = ++n;
    const entry = log.push(`${req.method} ${req.url}`) - 1;
    const answer = (status: number, code: string, message: string, extra = "") => {
      log[entry] += ` -> ${status}`;
      req.resume();
      req.on("end", () => {
        res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": `proxy-${i}` });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>proxy-${i}</RequestId></Error>`);
      });
    };
    const fault = o.fault?.(i, req);
    if (fault === "reset") {
      log[entry] += " -> reset";
      req.socket.destroy();
      return;
    }
    if (fault && typeof fault === "object" && "raw" in fault) {
      log[entry] += ` -> ${fault.raw.status} (raw)`;
      req.resume();
      req.on("end", () => {
        res.writeHead(fault.raw.status, { "x-amz-request-id": `proxy-${i}`, ...fault.raw.headers });
        res.end(fault.raw.body ?? "");
      });
      return;
    }
    if (fault && typeof fault === "object" && "status" in fault) return answer(fault.status, fault.code, fault.message ?? fault.code);
    const headers = { ...req.headers };
    if (fault && typeof fault === "object" && "drop" in fault) for (const h of fault.drop) delete headers[h];
    if (o.verify) {
      const bad = checkSignature(req, o.verify);
      if (bad) {
        return answer(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
          `<AWSAccessKeyId>${bad.accessKeyId}</AWSAccessKeyId><StringToSign>${xml(bad.stringToSign)}</StringToSign><SignatureProvided>${bad.provided}</SignatureProvided><CanonicalRequest>${xml(bad.canonical)}</CanonicalRequest>`);
      }
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (ures) => {
      log[entry] += ` -> ${ures.statusCode}`;
      if (fault === "cut" || (fault && typeof fault === "object" && "rewrite" in fault)) {
        const chunks: Buffer[] = [];
        ures.on("data", (c: Buffer) => chunks.push(c));
        ures.on("end", () => {
          const body = Buffer.concat(chunks);
          if (fault === "cut") {
            log[entry] += " cut";
            res.writeHead(ures.statusCode ?? 502, ures.headers);
            // Flushed first, so that the client sees the headers and half the body, then the close.
            res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
            return;
          }
          const out = Buffer.from(fault.rewrite(body.toString("utf8")));
          log[entry] += " rewritten";
          const { "transfer-encoding": _chunked, ...rest } = ures.headers;
          res.writeHead(ures.statusCode ?? 502, { ...rest, "content-length": String(out.length) });
          res.end(out);
        });
        return;
      }
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** RFC 3986 encoding, as SigV4 wants it. */
const esc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** undefined when the request is signed right (or by another key id); else what S3 would quote. */
function checkSignature(req: http.IncomingMessage, key: { accessKeyId: string; secretAccessKey: string }) {
  const auth = req.headers.authorization ?? "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
  if (!m) return { accessKeyId: "", stringToSign: "", provided: "", canonical: "" };
  const [, accessKeyId, date, region, service, signedHeaders, provided] = m as unknown as string[];
  if (accessKeyId !== key.accessKeyId) return undefined;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = (q < 0 ? "" : url.slice(q + 1)).split("&").filter(Boolean).map((p) => {
    const eq = p.indexOf("=");
    const k = decodeURIComponent(eq < 0 ? p : p.slice(0, eq)), v = eq < 0 ? "" : decodeURIComponent(p.slice(eq + 1));
    return [esc(k), esc(v)] as const;
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join("&");
  const headers = signedHeaders!.split(";").map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [req.method, path, query, headers, signedHeaders, String(req.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD")].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", String(req.headers["x-amz-date"]), scope, crypto.createHash("sha256").update(canonical).digest("hex")].join("\n");
  let k: Buffer = crypto.createHmac("sha256", `AWS4${key.secretAccessKey}`).update(date!).digest();
  for (const part of [region!, service!, "aws4_request"]) k = crypto.createHmac("sha256", k).update(part).digest();
  const expected = crypto.createHmac("sha256", k).update(stringToSign).digest("hex");
  return expected === provided ? undefined : { accessKeyId: accessKeyId!, stringToSign, provided: provided!, canonical };
}
