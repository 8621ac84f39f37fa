/** Every conformance suite, in one list: a backend's test file hands its factory to `conformance`. */
import type { Test } from "uvu";
import type { Factory } from "./harness.ts";
import users from "./users.ts";

const SUITES: ((make: Factory) => Test)[] = [users];

/** Registers and runs every suite against the backend made by `make`. */
export function conformance(make: Factory): void {
  for (const s of SUITES) s(make).run();
}
