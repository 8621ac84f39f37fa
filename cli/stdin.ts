/**
 * Reads a secret: from a terminal with echo off, else the whole of stdin (one trailing newline
 * removed). Never from argv, where other users of the machine can read it.
 */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let s = "";
      const onData = (d: Buffer) => {
        for (const ch of d.toString("utf8")) {
          if (ch === "\r" || ch === "\n") return done(() => resolve(s));
          if (ch === "\u0003") return done(() => reject(new Error("interrupted")));
          if (ch === "\u007f" || ch === "\b") s = s.slice(0, -1);
          else s += ch;
        }
      };
      const done = (f: () => void) => {
        stdin.off("data", onData);
        process.stderr.write("\n");
        f();
      };
      stdin.on("data", onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
