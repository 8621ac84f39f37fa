import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real app-storage conformance suite. */
export default function appStorage(make: Factory) {
  const { test } = storeSuite("app-storage", make);
  return test;
}
