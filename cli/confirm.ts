/**
 * Consent before deleting data: `--yes`, or a person at a terminal answering y/yes. Off a terminal
 * (a pipeline, cron) without `--yes` the command is refused, so a script never deletes by accident.
 */
import { createInterface } from "node:readline";
import { UsageError } from "./output.ts";

/**
 * Resolves when deleting is consented to; else throws: UsageError (exit 2) off a terminal without
 * `yes`, Error (exit 1) when the person declines. `what` names the data and where it is, e.g.
 * "all srcstore data in postgres://alice@db:5432/src".
 */
export async function confirmDeletion(what: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new UsageError(`refusing to delete ${what}: stdin is not a terminal, so pass --yes to confirm`);
  }
  const answer = await ask(`Delete ${what}? [y/N] `);
  if (!/^(y|yes)$/i.test(answer.trim())) throw new Error("cancelled: nothing changed");
}

/** One line from the terminal; the prompt goes to stderr, so stdout stays for results. "" on EOF. */
function ask(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(prompt);
  return new Promise<string>((resolve) => {
    let answered = false;
    rl.once("line", (line) => {
      answered = true;
      resolve(line);
      rl.close();
    });
    rl.once("close", () => {
      if (answered) return;
      process.stderr.write("\n");
      resolve("");
    });
  }).finally(() => process.stdin.pause());
}
