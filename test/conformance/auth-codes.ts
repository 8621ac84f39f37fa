import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real auth-codes conformance suite. */
export default function authCodes(make: Factory) {
  const { test } = storeSuite("auth-codes", make);
  return test;
}
