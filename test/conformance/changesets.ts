import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real changesets conformance suite. */
export default function changesets(make: Factory) {
  const { test } = storeSuite("changesets", make);
  return test;
}
