import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real repo-statuses conformance suite. */
export default function repoStatuses(make: Factory) {
  const { test } = storeSuite("repo-statuses", make);
  return test;
}
