/**
 * What every `src graph ...` command needs before its one graph-store call: option values exactly
 * as typed, the root (resolved by cli/settings.ts: flag > environment > config file > default), the
 * opened store, and errors that never carry an AWS credential.
 */
import { stat, mkdir } from "node:fs/promises";
import { StoreError, isStoreError } from "../lib/errors.ts";
import { isS3Root, openBlobRoot } from "../lib/adapters/graph-root.ts";
import { openGraphStore } from "../lib/graph/graph-store.ts";
import type { CommitRef, GraphStore } from "../lib/graph/store.ts";
import { checkCommitRef } from "../lib/graph/query-input.ts";
import { loadConfig, stringOption } from "./settings.ts";
import { UsageError } from "./output.ts";
import { openAndKeep } from "./open-and-keep.ts";

export { stringOption };

/** A string option the command cannot do without. */
export function requiredOption(name: string): string {
  const v = stringOption(name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

/** --repo and --commit, checked before the root is opened or made (invalid_input, exit 2). */
export function commitRef(): CommitRef {
  return checkCommitRef({ repo: requiredOption("repo"), commit: requiredOption("commit") });
}

/** --limit: an integer 1..1000; undefined when not given. */
export function limitOption(): number | undefined {
  const v = stringOption("limit");
  if (v === undefined) return undefined;
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new UsageError(`--limit: must be an integer 1..1000, got "${v}"`);
  return Number(v);
}

/**
 * Opens the graph store at the root. A folder root must exist for reading (a missing one is a
 * clear not_found, not an empty answer that hides a mistyped path); `create` makes it for import.
 */
export async function openCliGraph(o: { create?: boolean } = {}): Promise<GraphStore> {
  const { graphstoreRoot, env } = await loadConfig();
  const root = graphstoreRoot.value;
  if (isS3Root(root)) {
    // The SDK warns on Node 20 that later releases need Node 22: noise on every command here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  } else {
    await folderRoot(root, o.create === true);
  }
  return openAndKeep(await openBlobRoot(root, { env }), openGraphStore);
}

/** Runs `fn` on the opened store and closes it (an S3 client holds sockets open until closed). */
export async function withGraph<T>(o: { create?: boolean }, fn: (g: GraphStore) => Promise<T>): Promise<T> {
  const graph = await openCliGraph(o);
  try {
    return await fn(graph);
  } finally {
    await graph.close().catch(() => undefined);
  }
}

/**
 * Wraps a command: whatever it throws leaves as one line (a lower layer may quote text over several
 * lines), naming the option the user typed rather than the API field ("--unit-type", not
 * "unitType"), and with every AWS credential in the environment blanked out.
 */
export function guarded<A extends unknown[]>(fn: (...a: A) => Promise<void>): (...a: A) => Promise<void> {
  return async (...a) => {
    try {
      await fn(...a);
    } catch (e) {
      // AWS keys may come from the env file: blank out those the command ran with.
      throw forPeople(e, await loadConfig().then((c) => c.env, () => process.env));
    }
  };
}

// ---- internals -----------------------------------------------------------------------------------

async function folderRoot(root: string, create: boolean): Promise<void> {
  let st = await stat(root).catch((e: { code?: string }) => {
    if (e.code === "ENOENT" || e.code === "ENOTDIR") return undefined;
    throw e;
  });
  if (st === undefined && create) {
    await mkdir(root, { recursive: true }).catch((e: { code?: string; message?: string }) => {
      throw new StoreError(e.code === "EACCES" || e.code === "EPERM" ? "permission_denied" : "unavailable", `cannot create the graph store folder ${root}: ${e.message}`, { cause: e });
    });
    st = await stat(root);
  }
  if (st === undefined) throw new StoreError("not_found", `no graph store at ${root}: nothing was imported there (see "src graph import", or set --graphstore.root)`);
  if (!st.isDirectory()) throw new UsageError(`--graphstore.root: ${root} is not a folder`);
}

const SECRET_VARS = ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"];

/** API fields of invalid_input errors as the CLI spells them; "" drops the prefix (the message names the file). */
const FLAGS: Record<string, string> = {
  repo: "--repo", commit: "--commit", unitType: "--unit-type", unit: "--unit", path: "--path", file: "--file",
  namePrefix: "--name-prefix", cursor: "--cursor", limit: "--limit", "def.repo": "--def-repo",
  "def.unitType": "--def-unit-type", "def.unit": "--def-unit", "def.path": "--def-path",
  "graphstore.root": "--graphstore.root", files: "", dir: "",
};

function forPeople(e: unknown, env: Record<string, string | undefined>): unknown {
  if (!(e instanceof Error)) return e;
  const secrets = SECRET_VARS.map((k) => env[k]).filter((v): v is string => typeof v === "string" && v.length >= 4);
  let message = e.message.replace(/\s*[\r\n]+\s*/g, " ");
  for (const s of secrets) message = message.split(s).join("***");
  const field = isStoreError(e, "invalid_input") ? e.field : undefined;
  const flag = field !== undefined && Object.hasOwn(FLAGS, field) ? FLAGS[field] : undefined;
  if (field !== undefined && flag !== undefined && message.startsWith(`${field}: `)) {
    message = (flag === "" ? "" : `${flag}: `) + message.slice(field.length + 2);
  }
  if (message === e.message) return e;
  if (isStoreError(e)) return new StoreError(e.code, message, { ...(e.field !== undefined ? { field: e.field } : {}) });
  const copy = new Error(message);
  copy.name = e.name;
  return copy;
}
