/**
 * A store the server opens on first use and keeps. While it cannot be opened (PostgreSQL down, schema
 * behind), every use fails fast with that reason, and the open is tried again at most once per
 * `retryMs`, so the server starts, reports the problem on /healthz and recovers by itself.
 */
import { StoreError, isStoreError } from "../errors.ts";

export interface LazyOpen<T> {
  get(): Promise<T>;
  /** Closes what was opened (waiting for an open in progress), once however often called; later gets fail. */
  close(): Promise<void>;
}

export function lazyOpen<T extends { close(): Promise<void> }>(part: string, open: () => Promise<T>, o: { retryMs?: number; now?: () => number } = {}): LazyOpen<T> {
  const retryMs = o.retryMs ?? 1000;
  const now = o.now ?? Date.now;
  let opened: T | undefined;
  let opening: Promise<T> | undefined;
  let failure: { error: StoreError; at: number } | undefined;
  let closing: Promise<void> | undefined;

  return {
    async get() {
      if (closing) throw new StoreError("unavailable", `${part}: the server is shutting down`);
      if (opened) return opened;
      if (opening) return opening;
      if (failure && now() - failure.at < retryMs) throw failure.error;
      // Through then(), so an open that throws before returning its promise is a failure like the others.
      opening = Promise.resolve().then(open).then(
        (v) => {
          opened = v;
          failure = undefined;
          return v;
        },
        (e: unknown) => {
          const error = asUnavailable(part, e);
          failure = { error, at: now() };
          throw error;
        },
      ).finally(() => (opening = undefined));
      return opening;
    },
    close() {
      // Once, however often it is called: what an open still running yields is closed when it lands.
      closing ??= (async () => {
        const v = opened ?? (opening ? await opening.catch(() => undefined) : undefined);
        opened = undefined;
        if (v) await v.close();
      })();
      return closing;
    },
  };
}

/** The open's failure as the store reported it, prefixed with the part; schema_mismatch keeps its code. */
function asUnavailable(part: string, e: unknown): StoreError {
  if (isStoreError(e)) {
    const code = e.code === "schema_mismatch" ? "schema_mismatch" : "unavailable";
    return new StoreError(code, `${part}: ${e.message}`, { cause: e });
  }
  return new StoreError("unavailable", `${part}: cannot be opened`, { cause: e });
}
