import * as assert from "uvu/assert";
import { storeSuite, type Factory } from "./harness.ts";

export default function info(make: Factory) {
  const { test, it } = storeSuite("info", make);

  it("info() counts the records of every store under the same keys", async ({ stores }) => {
    const empty = (await stores.info()).counts;
    assert.equal(Object.keys(empty).sort(), [
      "appStorage", "authCodes", "changesets", "externalTokens", "invites", "oauthClients", "orgs", "passwords",
      "repos", "threads", "users",
    ]);
    assert.ok(Object.values(empty).every((n) => n === 0), JSON.stringify(empty));
    const u = await stores.users.create({ login: "alice" });
    await stores.users.create({ login: "bob" });
    await stores.passwords.set(u.uid, "correct horse");
    await stores.orgs.create({ login: "acme" });
    const r = await stores.repos.create({ uri: "example.com/a" });
    await stores.appStorage.put({ app: "a", bucket: "b" }, "k", new Uint8Array([1]));
    await stores.oauthClients.create({ id: "app", secret: "s3cret-s3cret-s3cret-0123456789", redirectURIs: ["https://app.example/cb"] });
    await stores.authCodes.create({ clientID: "app", redirectURI: "https://app.example/cb", scope: [], uid: u.uid });
    await stores.externalTokens.set({ uid: u.uid, host: "github.com", clientID: "c", token: "t0k3n", scope: "" });
    await stores.invites.createOrUpdate({ email: "carol@example.com" });
    await stores.threads.create(r.id, { title: "t", body: "b", authorUID: u.uid });
    await stores.changesets.create(r.id, { title: "c", authorUID: u.uid, base: { branch: "main", commitID: "a".repeat(40) }, head: { branch: "f", commitID: "b".repeat(40) } });
    const i = await stores.info();
    assert.ok(i.backend === "fs" || i.backend === "pgsql");
    assert.equal(i.counts, {
      users: 2, passwords: 1, orgs: 1, repos: 1, appStorage: 1, oauthClients: 1, authCodes: 1, externalTokens: 1,
      invites: 1, threads: 1, changesets: 1,
    });
  });

  return test;
}
