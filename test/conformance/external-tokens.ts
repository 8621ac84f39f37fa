import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real external-tokens conformance suite. */
export default function externalTokens(make: Factory) {
  const { test } = storeSuite("external-tokens", make);
  return test;
}
