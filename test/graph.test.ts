/**
 * The graph-store conformance suite on a folder root (a temp dir over nodeFs) and on an S3 root (one
 * in-process s3rver for the file, a fresh bucket per root, keys under a prefix). The server starts
 * with the first S3 test and stops in the last test. SRCSTORE_GRAPH_ROOTS=folder (or s3) runs one root.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import type { BlobPort } from "../lib/ports/blob.ts";
import type { GraphStore } from "../lib/graph/store.ts";
import { nodeFs } from "../lib/adapters/node-fs.ts";
import { folderBlob } from "../lib/adapters/folder-blob.ts";
import { s3Blob } from "../lib/adapters/s3-blob.ts";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import { s3Server, type S3Server } from "./support/s3-server.ts";
import { graphConformance, type GraphRoot } from "./conformance/graph.ts";

/** A root whose ports all come from `open`: the store's, the raw one, and one per reopen. */
async function root(open: () => Promise<BlobPort>, cleanup: () => Promise<void>): Promise<GraphRoot> {
  const ports: BlobPort[] = [];
  const stores: GraphStore[] = [];
  const port = async () => {
    const p = await open();
    ports.push(p);
    return p;
  };
  const reopen = async (wrap: (b: BlobPort) => BlobPort = (b) => b) => {
    const s = await openGraphStore(wrap(await port()));
    stores.push(s);
    return s;
  };
  try {
    const store = await reopen();
    const blob = await port();
    return {
      store,
      blob,
      reopen,
      async close() {
        try {
          for (const s of stores) await s.close();
        } finally {
          // A store closes its own port; closing it again must not fail the test.
          for (const p of ports) await p.close().catch(() => {});
          await cleanup();
        }
      },
    };
  } catch (e) {
    for (const p of ports) await p.close().catch(() => {});
    await cleanup();
    throw e;
  }
}

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const roots = (env.SRCSTORE_GRAPH_ROOTS ?? "folder,s3").split(",");
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true"; // Node 20 is the pinned runtime (FACTS.md)

if (roots.includes("folder")) {
  graphConformance("folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "srcstore-graph-"));
    return root(async () => folderBlob(nodeFs(dir)), () => rm(dir, { recursive: true, force: true }));
  });
}

let server: Promise<S3Server> | undefined;

if (roots.includes("s3")) {
  graphConformance("s3", async () => {
    const s3 = await (server ??= s3Server());
    const bucket = await s3.newBucket();
    return root(() => s3Blob({ bucket, prefix: "graph/root", env: s3.env }), async () => {});
  });
}

const last = suite("graph test teardown");
last("stops the S3 server", async () => {
  const s = server;
  server = undefined;
  if (s) await (await s).close();
});
last.run();
