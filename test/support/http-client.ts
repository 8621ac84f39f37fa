/**
 * A small client for the HTTP tests: JSON in, JSON out, the status and headers kept, and helpers that
 * make the usual cast (a first admin, users with tokens) through the API itself.
 */
import * as assert from "uvu/assert";

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined for an empty or non-JSON body). */
  json: any;
  text: string;
}

export interface Api {
  url: string;
  token?: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** `call`, asserting the status (the body is in the failure message). */
  ok(method: string, path: string, body?: unknown, status?: number): Promise<any>;
  /** The same server as another caller. */
  as(token: string | undefined): Api;
}

export function api(url: string, token?: string): Api {
  const self: Api = {
    url,
    ...(token !== undefined ? { token } : {}),
    async call(method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (token !== undefined) h.authorization = `Bearer ${token}`;
      let payload: BodyInit | undefined;
      if (body instanceof Uint8Array) {
        payload = body as BodyInit;
        h["content-type"] ??= "application/octet-stream";
      } else if (typeof body === "string") {
        payload = body;
      } else if (body !== undefined) {
        payload = JSON.stringify(body);
        h["content-type"] ??= "application/json";
      }
      const r = await fetch(url + path, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await r.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: r.status, headers: r.headers, json, text };
    },
    async ok(method, path, body, status) {
      const r = await self.call(method, path, body);
      const want = status ?? (method === "POST" ? 201 : method === "DELETE" ? 204 : 200);
      assert.is(r.status, want, `${method} ${path} -> ${r.status} ${r.text}`);
      return r.json;
    },
    as: (t) => api(url, t),
  };
  return self;
}

export const PASSWORD = "correct horse battery staple";

/** Signs up the first account (it becomes the site admin) and returns an API acting as it. */
export async function firstAdmin(url: string, login = "admin"): Promise<Api> {
  await api(url).ok("POST", "/api/accounts", { login, password: PASSWORD, email: `${login}@example.com` });
  return tokenFor(url, login);
}

/** A bearer token for login + PASSWORD, as an API. */
export async function tokenFor(url: string, login: string, password = PASSWORD): Promise<Api> {
  const t = await api(url).ok("POST", "/api/tokens", { login, password });
  return api(url, t.token as string);
}

/** Creates a user through an admin (flags as given) and returns an API acting as it. */
export async function userAs(admin: Api, login: string, flags: { admin?: boolean; write?: boolean } = {}): Promise<Api> {
  await admin.ok("POST", "/api/accounts", { login, password: PASSWORD, ...flags });
  return tokenFor(admin.url, login);
}
