import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real repos conformance suite. */
export default function repos(make: Factory) {
  const { test } = storeSuite("repos", make);
  return test;
}
