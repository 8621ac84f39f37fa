/**
 * Help for a group of commands (`src pgsql --help`, `src user`): cac matches and documents single
 * commands only, so the commands whose names start with "<group> " are listed here, each with its
 * options.
 */
import type { CAC } from "cac";

/** The help text of group `word`, or undefined when no command name starts with `word `. */
export function groupHelp(cli: CAC, word: string, footer?: string): string | undefined {
  const commands = cli.commands.filter((c) => c.name.startsWith(`${word} `));
  if (commands.length === 0) return undefined;
  const width = Math.max(...commands.flatMap((c) => [c.rawName.length, ...c.options.map((o) => o.rawName.length + 2)]));
  const lines = [`Usage:\n  $ ${cli.name} ${word} <command> [options]`, "", "Commands:"];
  for (const c of commands) {
    lines.push(`  ${c.rawName.padEnd(width)}  ${c.description}`);
    for (const o of c.options) lines.push(`    ${o.rawName.padEnd(width - 2)}  ${o.description}`);
  }
  lines.push("", `For more info, run a command with --help, e.g. "${cli.name} ${commands[0]!.name} --help"`);
  if (footer) lines.push("", footer);
  return lines.join("\n") + "\n";
}

type HelpSection = { title?: string; body: string };

/**
 * For cac's `cli.help(callback)`: a command's own help (`src pgsql status --help`) also shows its
 * description, which cac leaves out, and its group's footer (exit codes, settings).
 */
export function commandHelp(cli: CAC, footers: Record<string, string>): (sections: HelpSection[]) => HelpSection[] {
  return (sections) => {
    const c = cli.matchedCommand;
    if (!c || !c.description) return sections;
    const out = [...sections];
    out.splice(Math.min(2, out.length), 0, { body: `  ${c.description}` });
    const footer = footers[c.name.split(" ")[0]!];
    if (footer) out.push({ body: footer });
    return out;
  };
}
