import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real threads conformance suite. */
export default function threads(make: Factory) {
  const { test } = storeSuite("threads", make);
  return test;
}
