/**
 * The env file (`/etc/sourcegraph/config.env`, `--env-file`) in systemd's EnvironmentFile= format.
 * Operators point a unit's EnvironmentFile= and src at the same file, so this follows systemd's own
 * parser (src/basic/env-file.c) state for state; no npm library does (dotenv takes no `;` comments
 * and expands `\n`):
 *
 * - `KEY=VALUE` assignments; whitespace around the key and before the value is dropped, and after
 *   an unquoted value too; blank lines are skipped.
 * - A line whose first non-blank character is `#` or `;` is a comment; elsewhere they are text
 *   (`A=b # c` sets A to `b # c`).
 * - `'...'` keeps everything literally; `"..."` unescapes `\"`, `\\`, `` \` `` and `\$` and keeps any
 *   other backslash pair as written (`\n` stays backslash-n, as in systemd). Quoted text may span
 *   lines, and quoted and unquoted pieces join: `A="x"'y'` is `xy`.
 * - Unquoted, a backslash keeps the next character as it is (`\\` is one backslash); at the end of a
 *   line it continues the value on the next line.
 *
 * Where systemd silently drops a line (no `=`, a bad name), we report a problem, and a quote left
 * open to the end of the file is reported and dropped rather than taken as the value. Problems never
 * quote a value: the file holds passwords.
 */

export interface EnvFileVar {
  name: string;
  value: string;
  /** The line the assignment starts on. */
  line: number;
}

export interface EnvFileProblem {
  line: number;
  message: string;
}

/** Assignments in file order (a name given twice appears twice: the later one wins), and problems. */
export function parseEnvFile(text: string): { vars: EnvFileVar[]; problems: EnvFileProblem[] } {
  const vars: EnvFileVar[] = [];
  const problems: EnvFileProblem[] = [];
  // systemd counts "\r" as a line end of its own; one line end per CRLF keeps our line numbers right.
  const chars = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let state: State = "pre-key";
  let key = "";
  let value = "";
  let line = 1;
  let keyLine = 1;
  let quoteLine = 1;
  /** Where trailing blanks of an unquoted value start (they are cut at the line end); -1: none. */
  let blanksFrom = -1;

  const assign = () => {
    const name = key.replace(/[ \t]+$/, "");
    if (NAME.test(name)) vars.push({ name, value, line: keyLine });
    else problems.push({ line: keyLine, message: badName(name) });
    key = "";
    value = "";
  };

  for (const c of chars) {
    const nl = c === "\n";
    switch (state) {
      case "pre-key":
        if (c === "#" || c === ";") state = "comment";
        else if (!BLANK.includes(c)) {
          state = "key";
          key = c;
          keyLine = line;
        }
        break;
      case "key":
        if (nl) {
          problems.push({ line: keyLine, message: "not a KEY=VALUE line (ignored)" });
          key = "";
          state = "pre-key";
        } else if (c === "=") state = "pre-value";
        else key += c;
        break;
      case "pre-value":
        if (nl) {
          assign();
          state = "pre-key";
        } else if (c === "'" || c === '"') {
          state = c === "'" ? "single" : "double";
          quoteLine = line;
        } else if (c === "\\") state = "escape";
        else if (!BLANK.includes(c)) {
          state = "value";
          value += c;
        }
        break;
      case "value":
        if (nl) {
          if (blanksFrom >= 0) value = value.slice(0, blanksFrom);
          blanksFrom = -1;
          assign();
          state = "pre-key";
        } else if (c === "\\") {
          state = "escape";
          blanksFrom = -1;
        } else {
          if (!BLANK.includes(c)) blanksFrom = -1;
          else if (blanksFrom < 0) blanksFrom = value.length;
          value += c;
        }
        break;
      case "escape":
        state = "value";
        if (!nl) value += c; // an escaped line end joins the next line
        break;
      case "single":
        if (c === "'") state = "pre-value";
        else value += c;
        break;
      case "double":
        if (c === '"') state = "pre-value";
        else if (c === "\\") state = "double-escape";
        else value += c;
        break;
      case "double-escape":
        state = "double";
        if (SHELL_ESCAPED.includes(c)) value += c;
        else if (!nl) value += `\\${c}`;
        break;
      case "comment":
        if (nl) state = "pre-key";
        break;
    }
    if (nl) line++;
  }

  if (state === "key") problems.push({ line: keyLine, message: "not a KEY=VALUE line (ignored)" });
  else if (state === "single" || state === "double" || state === "double-escape") {
    problems.push({ line: quoteLine, message: `${shown(key.trim())}: the quote opened here is not closed before the end of the file (ignored)` });
  } else if (state === "pre-value" || state === "value" || state === "escape") {
    if (state === "value" && blanksFrom >= 0) value = value.slice(0, blanksFrom);
    assign();
  }
  return { vars, problems };
}

// ---- internals -----------------------------------------------------------------------------------

type State = "pre-key" | "key" | "pre-value" | "value" | "escape" | "single" | "double" | "double-escape" | "comment";

/** systemd's WHITESPACE less the line end, which every state handles itself. */
const BLANK = " \t\n";
/** systemd's SHELL_NEED_ESCAPE: what a backslash unescapes inside double quotes. */
const SHELL_ESCAPED = '"\\`$';
/** A shell variable name, as systemd's env_name_is_valid() wants. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function badName(name: string): string {
  const hint = /^export\s+[A-Za-z_]/.test(name) ? ": write the assignment without \"export\"" : "";
  return `${shown(name)} is not a variable name (ignored)${hint}`;
}

/** A name as problems show it: quoted, cut short, control characters escaped; never what follows "=". */
function shown(name: string): string {
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}...` : name);
}
