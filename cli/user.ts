/** `src user ...`: one store call per command. */
import type { User } from "../lib/model.ts";
import { isStoreError } from "../lib/errors.ts";
import { openCliStore, type GlobalOptions } from "./open.ts";
import { table } from "./output.ts";
import { readSecret } from "./stdin.ts";
import { revokeAll } from "../lib/serve/tokens.ts";

export async function userAdd(login: string, o: GlobalOptions & { email?: string; admin?: boolean; name?: string }): Promise<void> {
  const stores = await openCliStore();
  try {
    const user = await stores.users.create({
      login: String(login),
      ...(o.name !== undefined ? { name: String(o.name) } : {}),
      admin: o.admin === true,
    });
    if (o.email !== undefined) {
      try {
        await stores.users.setEmails(user.uid, [{ email: String(o.email), verified: true, primary: true }]);
      } catch (e) {
        // Nothing half-done: a user whose email was refused is not left behind.
        await stores.users.delete(user.uid).catch(() => undefined);
        throw e;
      }
    }
    console.log(`created user ${user.login} (uid ${user.uid})${user.admin ? ", admin" : ""}`);
  } finally {
    await stores.close();
  }
}

export async function userList(o: GlobalOptions & { query?: string; all?: boolean; json?: boolean }): Promise<void> {
  const stores = await openCliStore();
  try {
    const users: User[] = [];
    let cursor: string | undefined;
    do {
      const page = await stores.users.list({
        limit: 1000,
        includeDisabled: o.all === true,
        ...(o.query !== undefined ? { query: String(o.query) } : {}),
        ...(cursor ? { cursor } : {}),
      });
      users.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    if (o.json) {
      for (const u of users) console.log(JSON.stringify(u));
      return;
    }
    if (users.length === 0) return void console.log("no users");
    process.stdout.write(table(
      ["UID", "LOGIN", "NAME", "ADMIN", "DISABLED", "REGISTERED"],
      users.map((u) => [String(u.uid), u.login, u.name, u.admin ? "yes" : "", u.disabled ? "yes" : "", u.registeredAt.toISOString()]),
    ));
  } finally {
    await stores.close();
  }
}

export async function userPasswd(login: string): Promise<void> {
  const stores = await openCliStore();
  try {
    const user = await stores.users.getByLogin(String(login));
    const password = await readSecret(`New password for ${user.login}: `);
    await stores.passwords.set(user.uid, password);
    // As through the API: a new password signs the user out of src serve (every token revoked).
    await revokeAll(stores, user.uid);
    console.log(`password set for ${user.login}; their src serve tokens are revoked`);
  } catch (e) {
    if (isStoreError(e, "invalid_input") && e.field === "password") throw new Error("the password must not be empty");
    throw e;
  } finally {
    await stores.close();
  }
}
