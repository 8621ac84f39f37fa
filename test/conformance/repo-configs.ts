import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real repo-configs conformance suite. */
export default function repoConfigs(make: Factory) {
  const { test } = storeSuite("repo-configs", make);
  return test;
}
