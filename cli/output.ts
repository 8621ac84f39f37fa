/** How the CLI talks to people: one-line errors without stack traces, aligned tables. */
import { isStoreError } from "../lib/errors.ts";

/** Wrong use of the command line (exit 2): a bad argument, or a refusal that the user can fix. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Prints the error as one line and exits non-zero: 2 for invalid input (UsageError, cac's own
 * argument errors, invalid_input), else 1. A stack only with SRCSTORE_DEBUG=1.
 */
export function fail(e: unknown): never {
  if (process.env.SRCSTORE_DEBUG === "1") console.error(e);
  const msg = isStoreError(e) ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`src: ${msg.split("\n")[0]}\n`);
  const usage = isStoreError(e, "invalid_input") || (e instanceof Error && (e.name === "UsageError" || e.name === "CACError"));
  process.exit(usage ? 2 : 1);
}

/**
 * cac matches a command by its first word only, so "user add" must reach it as one word, and first:
 * the first two words that are not options (nor the value of an option that takes one, as told by
 * `takesValue`) are joined and moved to the front when together they name a command, so that
 * `src --sgpath /srv graph ls` and `src graph --json ls` work like `src graph ls --sgpath /srv`.
 */
export function joinCommandWords(argv: string[], names: string[], takesValue: (option: string) => boolean = () => false): string[] {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (a.startsWith("-") && a !== "-") {
      if (!a.includes("=") && takesValue(a)) i++;
      continue;
    }
    words.push(i);
  }
  const [i, j] = words;
  if (i === undefined || j === undefined || !names.includes(`${argv[i]} ${argv[j]}`)) return argv;
  return [`${argv[i]} ${argv[j]}`, ...argv.filter((_, k) => k !== i && k !== j)];
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}
