import { storeSuite, type Factory } from "./harness.ts";

/** STUB: to be replaced by the real oauth-clients conformance suite. */
export default function oauthClients(make: Factory) {
  const { test } = storeSuite("oauth-clients", make);
  return test;
}
