import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real passwords conformance suite. */
export default function passwords(make: Factory) {
  const { test } = storeSuite("passwords", make);
  return test;
}
