/**
 * Deleting a user leaves none of its memberships, grants or external tokens (credentials) on disk,
 * and deleting a repo none of its app storage: not only unreachable through the stores.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../lib/mod.ts";
import { memoryFs } from "../lib/adapters/memory-fs.ts";

test("users.delete() removes the user's memberships, grants and external tokens from disk", async () => {
  const fs = memoryFs();
  const s = await openStore({ fs });
  const alice = await s.users.create({ login: "alice" });
  const bob = await s.users.create({ login: "bob" });
  const org = await s.orgs.create({ login: "acme" });
  const repo = await s.repos.create({ uri: "example.com/acme/app" });
  for (const u of [alice, bob]) {
    await s.orgs.addMember(org.id, u.uid);
    await s.repoPerms.grant(repo.id, u.uid, "write");
    await s.externalTokens.set({ uid: u.uid, host: "github.com", clientID: "c1", token: `secret-${u.login}`, scope: "repo" });
  }
  await s.users.delete(alice.uid);
  const files = async (dir: string) => (await fs.list(dir)).sort();
  assert.equal(await files("orgs/of-user"), ["000000000002"]);
  assert.equal(await files("orgs/members/000000000001"), ["000000000002"]);
  assert.equal(await files("perms/by-user"), ["000000000002"]);
  assert.equal(await files("perms/by-repo/000000000001"), ["000000000002.json"]);
  assert.equal(await files("external-tokens"), ["000000000002"]);
  assert.equal(await s.orgs.listMembers(org.id), [bob.uid]);
  assert.is((await s.externalTokens.get(bob.uid, "github.com", "c1")).token, "secret-bob");
  assert.equal((await s.info()).counts.externalTokens, 1);
});

test("repos.delete() removes the repo's app storage of every app from disk, and nothing of another scope", async () => {
  const fs = memoryFs();
  const s = await openStore({ fs });
  const [gone, kept] = [await s.repos.create({ uri: "example.com/a/gone" }), await s.repos.create({ uri: "example.com/a/kept" })];
  const value = new TextEncoder().encode("v");
  for (const app of ["ci", "search"]) {
    for (const repoID of [gone.id, kept.id]) await s.appStorage.put({ app, repoID, bucket: "b" }, "k", value);
    await s.appStorage.put({ app, bucket: "b" }, "k", value);
  }
  await s.repos.delete(gone.id);
  for (const app of ["ci", "search"]) {
    assert.equal((await fs.list(`apps/${app}`)).sort(), ["global", "repo-000000000002"], app);
    assert.ok(await s.appStorage.exists({ app, repoID: kept.id, bucket: "b" }, "k"));
  }
  await s.close();
});

test.run();
