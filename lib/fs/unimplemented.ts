import { StoreError } from "../errors.ts";
import type { FsCtx } from "./context.ts";

/** A store whose every method fails with "unsupported": a placeholder while it is being written. */
export function unimplemented<T extends object>(name: string, _ctx: FsCtx): T {
  return new Proxy({} as T, {
    get: (_t, method) => () => Promise.reject(new StoreError("unsupported", `${name}.${String(method)} is not implemented on fs yet`)),
  });
}
