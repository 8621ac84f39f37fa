/**
 * GET /healthz: 200 when the store and the graph store answer a cheap read, 503 naming each failing
 * part and why (e.g. "store: PostgreSQL at ... is unavailable", "store: schema is at 0003 ...: run src
 * pgsql create", "store: no answer within 3 s"). No authentication, no secret: messages name
 * locations without passwords. It answers within PROBE_MS, whatever hangs behind it.
 */
import type { App, ServeDeps } from "../context.ts";
import { errorBody } from "../http-error.ts";
import { isStoreError } from "../../errors.ts";

const PROBE_COMMIT = "0".repeat(40);

/**
 * How long a part may take to answer (its lazy open included) before it counts as failing: a
 * database that accepts connections and never answers, or a network that drops packets, would
 * otherwise hold healthz for the driver's connect timeout, or for ever on an open connection,
 * and a load balancer's probe would time out without learning why.
 */
export const PROBE_MS = 3000;

/** "ok", or why the part failed (without the "<part>: " its open failures carry). */
async function probe(part: string, what: () => Promise<unknown>, logError: (e: unknown) => void): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${PROBE_MS / 1000} s`), PROBE_MS)));
  const answer = (async () => {
    try {
      await what();
      return "ok";
    } catch (e) {
      if (isStoreError(e, "not_found")) return "ok"; // the probe reads something that is not there
      const { body: { message }, known } = errorBody(e);
      if (!known) logError(e); // answered as "internal error": the log keeps what it was
      return message.startsWith(`${part}: `) ? message.slice(part.length + 2) : message;
    }
  })();
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function health(deps: ServeDeps): Promise<{ ok: boolean; parts: Record<string, string> }> {
  const [store, graph] = await Promise.all([
    probe("store", async () => (await deps.stores()).users.get(1), deps.logError),
    probe("graph store", async () => (await deps.graph()).units({ repo: "healthz.invalid/probe", commit: PROBE_COMMIT }), deps.logError),
  ]);
  return { ok: store === "ok" && graph === "ok", parts: { store, graph } };
}

export function healthRoutes(app: App): void {
  app.get("/healthz", async (c) => {
    const h = await health(c.var.deps);
    if (h.ok) return c.json({ status: "ok", ...h.parts });
    const failing = Object.entries(h.parts).filter(([, v]) => v !== "ok").map(([k, v]) => `${k === "graph" ? "graph store" : k}: ${v}`);
    return c.json({ status: "unavailable", code: "unavailable", message: failing.join("; "), ...h.parts }, 503);
  });
}
