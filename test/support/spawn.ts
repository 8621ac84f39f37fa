/**
 * Child processes for the multi-process tests, on the runtime running the test: under Node
 * `node --import tsx child.ts` (one process, so a SIGKILL hits the writer itself, not a tsx wrapper),
 * under Deno `deno run -A child.ts`. Output is collected as whole lines.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeSync as fsWriteSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeno } from "./disk-fs.ts";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, "..", "..");

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Complete stdout lines received so far (a line cut by a kill is left out). */
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching `pred` (rejects when the child exits first). */
  waitLine(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the child has exited and been reaped, with its exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `line` + "\n" to the child's stdin. */
  send(line: string): void;
}

/** The executable and arguments that run a TypeScript file on this runtime. */
function command(script: string, args: string[]): { cmd: string; argv: string[] } {
  if (isDeno) {
    const deno = (globalThis as { Deno?: { execPath(): string } }).Deno!.execPath();
    return { cmd: deno, argv: ["run", "-A", "--quiet", script, ...args] };
  }
  return { cmd: process.execPath, argv: ["--import", "tsx", script, ...args] };
}

/**
 * Starts test/support/<name> with `args`; cwd is the repo root (so tsx and deno.json resolve).
 * `wrap` runs it under another command, e.g. ["unshare", "-pf", "--mount-proc"]; `env` is added to the environment.
 */
export function startChild(name: string, args: string[], wrap: string[] = [], env: Record<string, string> = {}): Child {
  const run = command(join(here, name), args);
  const [cmd, ...argv] = [...wrap, run.cmd, ...run.argv] as [string, ...string[]];
  const proc = spawn(cmd, argv, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...env } });
  const lines: string[] = [];
  let partial = "";
  let err = "";
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  proc.stdout!.setEncoding("utf8");
  proc.stdout!.on("data", (d: string) => {
    const parts = (partial + d).split("\n");
    partial = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) {
        if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    }
  });
  proc.stderr!.setEncoding("utf8");
  proc.stderr!.on("data", (d: string) => (err += d));
  // "close" comes after "exit" and after stdout/stderr end: every line the child wrote is in.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    proc.on("error", reject);
    proc.on("close", (code, signal) => resolve({ code, signal }));
  });
  proc.stdin!.on("error", () => undefined); // writing to a killed child
  return {
    proc,
    pid: proc.pid ?? -1,
    lines,
    stderr: () => err,
    exited,
    send: (line) => void proc.stdin!.write(line + "\n"),
    waitLine(pred, timeoutMs = 30_000) {
      const seen = lines.find(pred);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child ${name}: no matching line after ${timeoutMs} ms\n${err}`)), timeoutMs);
        const w = { pred, resolve: (l: string) => (clearTimeout(timer), resolve(l)) };
        waiters.push(w);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(w)) return;
          clearTimeout(timer);
          reject(new Error(`child ${name} exited (code ${code}, signal ${signal}) before the expected line\n${err}`));
        });
      });
    },
  };
}

/** Writes one line to stdout synchronously, so it is in the pipe before the next await. */
export function emit(line: string): void {
  writeLineSync(line + "\n");
}

const enc = new TextEncoder();
let writeLineSync = (s: string): void => {
  const D = (globalThis as { Deno?: { stdout: { writeSync(p: Uint8Array): number } } }).Deno;
  if (D) {
    writeLineSync = (t) => {
      const b = enc.encode(t);
      for (let off = 0; off < b.length;) off += D.stdout.writeSync(b.subarray(off));
    };
  } else {
    writeLineSync = (t) => {
      const b = enc.encode(t);
      for (let off = 0; off < b.length;) {
        try {
          off += fsWriteSync(1, b, off);
        } catch (e) {
          if ((e as { code?: string }).code !== "EAGAIN") throw e; // a full non-blocking pipe: retry
        }
      }
    };
  }
  writeLineSync(s);
};
