/** Checks of password and reset-token inputs, shared by every backend. */
import * as v from "../validate.ts";

/** Lifetime of a reset token when none is given: one hour. */
export const DEFAULT_RESET_TTL_SECONDS = 3600;
/** The longest lifetime a reset token may be given: seven days. */
export const MAX_RESET_TTL_SECONDS = 7 * 24 * 3600;

/** The options of requestReset(): the lifetime in seconds, 1 s to 7 days. */
export function checkResetOptions(options: { ttlSeconds?: number } | undefined): { ttlSeconds: number } {
  if (options === undefined) return { ttlSeconds: DEFAULT_RESET_TTL_SECONDS };
  const o = v.object("options", options);
  v.knownKeys("options", o, ["ttlSeconds"]);
  return {
    ttlSeconds: options.ttlSeconds === undefined
      ? DEFAULT_RESET_TTL_SECONDS
      : v.int("ttlSeconds", options.ttlSeconds, 1, MAX_RESET_TTL_SECONDS),
  };
}

/** The arguments of reset(): the token as given out, and the new password. */
export function checkReset(token: unknown, newPassword: unknown): { token: string; password: string } {
  return { token: v.token("token", token), password: v.password("newPassword", newPassword) };
}
