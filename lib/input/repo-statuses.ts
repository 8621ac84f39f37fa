/** Checks of repo status inputs, shared by every backend. */
import type * as M from "../model.ts";
import * as v from "../validate.ts";

export const STATUS_STATES: readonly M.StatusState[] = ["pending", "success", "failure", "error"];

export interface CheckedNewStatus {
  context: string;
  state: M.StatusState;
  description: string;
  targetURL: string;
  creatorUID: number | null;
}

export function checkStatusKey(repoID: unknown, commitID: unknown): { repoID: number; commitID: string } {
  return { repoID: v.id("repoID", repoID), commitID: v.commitID("commitID", commitID) };
}

export function checkNewStatus(s: M.NewRepoStatus): CheckedNewStatus {
  v.knownKeys("status", v.object("status", s), ["context", "state", "description", "targetURL", "creatorUID"]);
  return {
    context: v.text("context", s.context, 255, { required: true }),
    state: v.oneOf("state", s.state, STATUS_STATES),
    description: v.optText("description", s.description, 1024),
    targetURL: v.url("targetURL", s.targetURL),
    creatorUID: s.creatorUID === undefined ? null : v.id("creatorUID", s.creatorUID),
  };
}

/** Any failure or error -> "failure"; else any pending, or none at all -> "pending"; else "success". */
export function combinedState(statuses: readonly M.RepoStatus[]): M.CombinedStatus["state"] {
  if (statuses.some((s) => s.state === "failure" || s.state === "error")) return "failure";
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending";
  return "success";
}
