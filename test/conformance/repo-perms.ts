import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real repo-perms conformance suite. */
export default function repoPerms(make: Factory) {
  const { test } = storeSuite("repo-perms", make);
  return test;
}
