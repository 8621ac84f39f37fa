import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real orgs conformance suite. */
export default function orgs(make: Factory) {
  const { test } = storeSuite("orgs", make);
  return test;
}
