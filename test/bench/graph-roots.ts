/**
 * The two graph-store roots the benchmark measures, each handing out fresh empty roots: a folder
 * (folderBlob over nodeFs, a new subfolder each time) and S3 (s3Blob against an in-process s3rver, a
 * new bucket each time). Every measured import and baseline write gets its own fresh root, so no run
 * pays for what an earlier one left (s3rver's listings walk the bucket).
 */
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import type { BlobPort } from "../../lib/ports/blob.ts";
import { folderBlob } from "../../lib/adapters/folder-blob.ts";
import { nodeFs } from "../../lib/adapters/node-fs.ts";
import { s3Server, type S3Server } from "../support/s3-server.ts";

export interface Root {
  name: "folder" | "s3";
  /** What backs it, for the header. */
  where: string;
  fresh(): Promise<BlobPort>;
  /** Closes every port handed out and removes the data. */
  close(): Promise<void>;
}

export async function folderRoot(base: string): Promise<Root> {
  const dir = await fsp.mkdtemp(join(base, "srcstore-graph-bench-"));
  const ports: BlobPort[] = [];
  let n = 0;
  return {
    name: "folder",
    where: dir,
    async fresh() {
      const sub = join(dir, String(++n));
      await fsp.mkdir(sub);
      const p = folderBlob(nodeFs(sub));
      ports.push(p);
      return p;
    },
    async close() {
      for (const p of ports) await p.close().catch(() => {});
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The AWS SDK loads only here (as the s3Blob adapter itself does), so a folder-only run never pays for it. */
export async function s3Root(): Promise<Root> {
  const { s3Blob } = await import("../../lib/adapters/s3-blob.ts");
  const srv: S3Server = await s3Server();
  const ports: BlobPort[] = [];
  return {
    name: "s3",
    where: `s3rver in this process at ${srv.endpoint} (path-style, one fresh bucket per run)`,
    async fresh() {
      const p = await s3Blob({ bucket: await srv.newBucket(), env: srv.env });
      ports.push(p);
      return p;
    },
    async close() {
      for (const p of ports) await p.close().catch(() => {});
      await srv.close();
    },
  };
}
