/** What every route handler can reach: the caller (viewer) and the opened stores. */
import type { Context, Hono } from "hono";
import type { User } from "../model.ts";
import type { Stores } from "../stores.ts";
import type { GraphStore } from "../graph/store.ts";

export interface ServeDeps {
  /** The stores; rejects with a StoreError (unavailable, schema_mismatch) while they cannot be opened. */
  stores(): Promise<Stores>;
  /** The graph store, likewise. */
  graph(): Promise<GraphStore>;
  clock: () => Date;
  /** Errors that are not ours (bugs), for the log; the client gets "internal error". */
  logError: (e: unknown) => void;
}

export interface AppEnv {
  Variables: {
    deps: ServeDeps;
    /** The user of a valid bearer token; null for an anonymous request. */
    viewer: User | null;
  };
}

export type App = Hono<AppEnv>;
export type Ctx = Context<AppEnv>;

/** Route paths under a repo: the URI (host/path, any number of segments, none of them "-") then "/-/". */
export const REPO = "/api/repos/:uri{(?:[^/-][^/]*|-[^/]+)(?:/(?:[^/-][^/]*|-[^/]+))*}";
