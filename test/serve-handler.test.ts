/**
 * The handler in-process (srcstore/serve), for what a real store cannot be made to do on demand: a
 * store that throws something that is not a StoreError (a bug) is answered "internal error" with no
 * detail, on an API route and in /healthz, and the error itself reaches `logError`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHandler } from "../lib/serve/mod.ts";
import { memoryBlob, memoryFs, openGraphStore, openStore } from "../lib/edge.ts";

test("an error that is not a StoreError: 500 / 503 'internal error' to the client, the error itself to logError", async () => {
  const real = await openStore({ fs: memoryFs() });
  const bug = new Error("boom: secret detail at lib/somewhere.ts:12");
  const broken = { ...real, users: { ...real.users, get: () => Promise.reject(bug), count: () => Promise.reject(bug) } };
  const logged: unknown[] = [];
  const handler = createHandler({ stores: async () => broken, graph: async () => openGraphStore(memoryBlob()), logError: (e) => logged.push(e) });
  try {
    const h = await handler(new Request("http://x/healthz"));
    assert.is(h.status, 503);
    const body = await h.json();
    assert.is(body.store, "internal error");
    assert.is(body.graph, "ok");
    const r = await handler(new Request("http://x/api/accounts", { method: "POST", body: JSON.stringify({ login: "a", password: "correct horse battery staple" }) }));
    assert.is(r.status, 500);
    assert.equal(await r.json(), { code: "internal", message: "internal error" });
    assert.equal(logged, [bug, bug]);
  } finally {
    await real.close();
  }
});

test.run();
