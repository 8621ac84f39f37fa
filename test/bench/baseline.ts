/**
 * The raw baselines the store is compared to, on node:fs/promises alone: what a bare durable write
 * and a bare read of one record cost on the same filesystem.
 */
import * as fsp from "node:fs/promises";
import { join } from "node:path";

export class Baseline {
  readonly dir: string;
  readonly #bytes: Uint8Array;
  readonly #json: boolean;
  #written = 0;

  /** Writes and reads records of exactly `bytes` under `dir`. */
  private constructor(dir: string, bytes: Uint8Array, json: boolean) {
    this.dir = dir;
    this.#bytes = bytes;
    this.#json = json;
  }

  static async open(dir: string, bytes: Uint8Array): Promise<Baseline> {
    await fsp.mkdir(dir, { recursive: true });
    let json = true;
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      json = false;
    }
    return new Baseline(dir, bytes, json);
  }

  /** Whether a read parses the record (false when the store's record is not JSON). */
  get parses(): boolean {
    return this.#json;
  }

  get written(): number {
    return this.#written;
  }

  /** A new record `i`: temp file in the same directory, write, fsync, rename, fsync of the directory. */
  async write(i: number): Promise<void> {
    const path = join(this.dir, `${i}.json`);
    const tmp = `${path}.tmp`;
    const fh = await fsp.open(tmp, "wx", 0o600);
    try {
      await fh.writeFile(this.#bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
    const d = await fsp.open(this.dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
    this.#written++;
  }

  /** Reads record `i` (one of those written) and parses it: readFile + JSON.parse. */
  async read(i: number): Promise<unknown> {
    const bytes = await fsp.readFile(join(this.dir, `${i}.json`));
    return this.#json ? JSON.parse(bytes.toString("utf8")) : bytes;
  }
}
