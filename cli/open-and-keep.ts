/**
 * `open(resource)`, closing `resource` when that fails: a pool we made and openStore refused (schema
 * behind, server down) is ours to close, and `src serve` retries a failed open once a second, where a
 * PostgreSQL pool left behind each time would hold its connection for a minute.
 */
export async function openAndKeep<R extends { close(): Promise<void> }, T>(resource: R, open: (r: R) => Promise<T>): Promise<T> {
  try {
    return await open(resource);
  } catch (e) {
    await resource.close().catch(() => undefined);
    throw e;
  }
}
