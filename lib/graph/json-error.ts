/**
 * A JSON syntax error as one short line with its position ("at line L, column C"): engines word
 * them differently and V8 often gives no position, so the position is found by scanning when needed.
 */

/** Longest engine text kept in a syntax error message. */
const MAX_REASON = 120;

/**
 * JSON.parse's complaint on one short line, with where it is as "at line L, column C" (columns in
 * characters, from 1). V8 (Node, Deno) says "Unexpected token 'o', ..."<a piece of the file,
 * newlines and all>"... is not valid JSON" with no position, or "... in JSON at position N" (Deno adds " (line L
 * column C)"); SpiderMonkey says "... at line L column C of the JSON data". The position is the
 * engine's when it gives one, else found by scanning the text (jsonErrorOffset).
 */
export function jsonSyntaxError(text: string, e: unknown): string {
  const message = typeof (e as { message?: unknown })?.message === "string" ? (e as Error).message : String(e);
  let line: number | undefined, column: number | undefined;
  const pos = /\bat position (\d+)/.exec(message);
  const lc = /\bline (\d+) column (\d+)/.exec(message);
  if (pos) ({ line, column } = lineColumn(text, Math.min(Number(pos[1]), text.length)));
  else if (lc) [line, column] = [Number(lc[1]), Number(lc[2])];
  else {
    const at = jsonErrorOffset(text);
    if (at !== undefined) ({ line, column } = lineColumn(text, at));
  }
  let reason = message
    .replace(/^(Unexpected token '.+?'), [\s\S]* is not valid JSON$/su, "$1")
    .replace(/\s+(?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, "")
    .replace(/^JSON\.parse: /, "")
    .replace(/\s+at line \d+ column \d+ of the JSON data$/, "")
    .split(/\r\n|\r|\n/)[0]!
    // An invisible token (a BOM, a control character) shown as its escape.
    .replace(/[\p{C}\u2028\u2029]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`)
    .replace(/\s+/g, " ")
    .trim();
  if (reason === "") reason = "syntax error";
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON)}...`;
  return line === undefined ? reason : `${reason} at line ${line}, column ${column}`;
}

/** Line and column (both from 1, the column in code points) of `offset` in `text`; \n, \r\n and \r end lines. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  let column = 1;
  for (let i = start; i < offset; i++) {
    const c = text.charCodeAt(i);
    // The high half of a surrogate pair and its low half are one character.
    if (!(c >= 0xd800 && c <= 0xdbff && i + 1 < offset && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00)) column++;
  }
  return { line, column };
}

/**
 * The offset of the first character of `text` that JSON (RFC 8259) does not allow there, or
 * text.length when it ends too soon; undefined when it is valid. Iterative: any nesting depth.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const stack: ("{" | "[")[] = [];
  const skipSpace = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const digit = () => {
    const c = text.charCodeAt(i);
    return c >= 48 && c <= 57;
  };
  const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  /** At a quote: past the string, or false with `i` at the fault. */
  const string = (): boolean => {
    for (i++; i < n;) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c !== 92) {
        i++;
        continue;
      }
      const e = text[i + 1];
      if (e === "u") {
        for (let k = 2; k < 6; k++) {
          if (!isHex(text.charCodeAt(i + k))) {
            i = Math.min(i + k, n);
            return false;
          }
        }
        i += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
      else {
        i = Math.min(i + 1, n);
        return false;
      }
    }
    return false;
  };
  const number = (): boolean => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (digit()) while (digit()) i++;
    else return false;
    if (text[i] === ".") {
      i++;
      if (!digit()) return false;
      while (digit()) i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!digit()) return false;
      while (digit()) i++;
    }
    return true;
  };
  /** After "{" or ",": a key and its colon, or false with `i` at the fault. */
  const key = (): boolean => {
    skipSpace();
    if (text[i] !== '"' || !string()) return false;
    skipSpace();
    if (text[i] !== ":") return false;
    i++;
    return true;
  };
  for (;;) {
    // A value.
    skipSpace();
    const c = text[i];
    if (c === "{" || c === "[") {
      i++;
      skipSpace();
      if (text[i] === (c === "{" ? "}" : "]")) i++;
      else {
        stack.push(c);
        if (c === "{" && !key()) return Math.min(i, n);
        continue;
      }
    } else if (c === '"') {
      if (!string()) return Math.min(i, n);
    } else if (c === "-" || digit()) {
      if (!number()) return Math.min(i, n);
    } else {
      const word = c === "t" ? "true" : c === "f" ? "false" : c === "n" ? "null" : undefined;
      if (word === undefined) return Math.min(i, n);
      for (const w of word) {
        if (text[i] !== w) return Math.min(i, n);
        i++;
      }
    }
    // After a value: close containers, or a comma and the next value.
    for (;;) {
      skipSpace();
      const top = stack.at(-1);
      if (top === undefined) return i < n ? i : undefined;
      if (i >= n) return n;
      if (text[i] === ",") {
        i++;
        if (top === "{" && !key()) return Math.min(i, n);
        break;
      }
      if (text[i] !== (top === "{" ? "}" : "]")) return i;
      stack.pop();
      i++;
    }
  }
}
