import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real invites conformance suite. */
export default function invites(make: Factory) {
  const { test } = storeSuite("invites", make);
  return test;
}
