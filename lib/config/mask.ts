/**
 * What `src config` and our messages may show of a value. Secrets are named by the variable
 * (PGPASSWORD, AWS_SECRET_ACCESS_KEY, ...) or sit inside a URL (postgres://user:secret@host).
 */

export const MASK = "****";

/** Variables whose whole value is a secret: the ones we know, and any named like one. */
const SECRET_NAME = /^(PGPASSWORD|AWS_SECRET_ACCESS_KEY|AWS_SECRET_KEY|AWS_SESSION_TOKEN)$|PASSWORD|SECRET|TOKEN/;

/** The value of variable `name` as it may be shown. */
export function maskVariable(name: string, value: string): string {
  if (value !== "" && SECRET_NAME.test(name)) return MASK;
  return hideUrlPassword(value);
}

/**
 * A URL's password, as `scheme://user:****@host`, a `password=` query parameter (libpq takes
 * one), and the password of libpq's keyword form (`host=db password=secret`, quoted or not, which
 * libpq takes where a URL goes). Everything up to the last "@" is hidden, so an unescaped "@" in a
 * password leaks nothing.
 */
export function hideUrlPassword(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):.*@/is, `$1:${MASK}@`)
    .replace(/([?&](?:ssl)?password=)[^&#]*/gi, `$1${MASK}`)
    .replace(/(^|\s)((?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|\S*)/gi, `$1$2${MASK}`);
}
