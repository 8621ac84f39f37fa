/** Temporary: a store whose pgsql version is not written yet answers every call with unsupported. */
import { StoreError } from "../errors.ts";

export function notWritten<T extends object>(name: string): T {
  return new Proxy({}, {
    get: (_t, method) => () => Promise.reject(new StoreError("unsupported", `${name}.${String(method)} is not on pgsql yet`)),
  }) as T;
}
