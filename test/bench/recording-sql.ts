/**
 * What the pgsql store sends, captured honestly, and the same statements replayed straight through
 * postgres.js: the raw baseline of the pgsql bench.
 *
 * `RecordingSql` is a SqlPort that forwards every call to a real one and records each statement's
 * text, parameters (copied), row count, and the transaction it ran in. `Replay` sends recorded
 * statements again with fresh parameters per call: every occurrence of the captured call's variable
 * value (a login, a key, a UID: the "token") is replaced by the call's own, and every Date (the
 * store's clock) becomes `new Date()`. Statements the store ran in one transaction are replayed in
 * one `sql.begin`.
 */
import type postgres from "postgres";
import type { SqlPort, SqlRow, SqlValue } from "../../lib/ports/sql.ts";

export interface Recorded {
  text: string;
  params: SqlValue[];
  /** Rows returned; -1 when the statement failed. */
  rows: number;
  /** The StoreError code of a failed statement. */
  error?: string;
  /** 0 outside a transaction, else the number of the transaction it ran in. */
  tx: number;
  /** Savepoints it ran inside (a transaction started on a port already in a transaction). */
  savepoints: number;
}

interface Shared {
  log: Recorded[];
  txs: number;
}

/** Forwards to `inner`, recording every statement; `take()` reads and resets the record. */
export class RecordingSql implements SqlPort {
  readonly #inner: SqlPort;
  readonly #shared: Shared;
  readonly #tx: number;
  readonly #savepoints: number;

  constructor(inner: SqlPort, shared: Shared = { log: [], txs: 0 }, tx = 0, savepoints = 0) {
    this.#inner = inner;
    this.#shared = shared;
    this.#tx = tx;
    this.#savepoints = savepoints;
  }

  get location(): string {
    return this.#inner.location;
  }

  async query<R extends SqlRow = SqlRow>(text: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const rec: Recorded = {
      text,
      params: params.map((p) => (p instanceof Uint8Array ? p.slice() : p instanceof Date ? new Date(p.getTime()) : p)),
      rows: -1,
      tx: this.#tx,
      savepoints: this.#savepoints,
    };
    this.#shared.log.push(rec);
    try {
      const rows = await this.#inner.query<R>(text, params);
      rec.rows = rows.length;
      return rows;
    } catch (e) {
      rec.error = (e as { code?: string }).code ?? "error";
      throw e;
    }
  }

  transaction<T>(fn: (tx: SqlPort) => Promise<T>): Promise<T> {
    const nested = this.#tx !== 0;
    const tx = nested ? this.#tx : ++this.#shared.txs;
    return this.#inner.transaction((inner) =>
      fn(new RecordingSql(inner, this.#shared, tx, this.#savepoints + (nested ? 1 : 0))));
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** The statements recorded since the last take(). */
  take(): Recorded[] {
    return this.#shared.log.splice(0);
  }
}

/** The captured call's variable value and the value of the call being made. */
export interface Token {
  from: string | number;
  to: string | number;
}

type Slot =
  | { kind: "const"; value: SqlValue }
  | { kind: "now" }
  | { kind: "number" }
  | { kind: "text"; value: string }
  | { kind: "bytes"; value: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const enc = new TextEncoder();

/** Text that holds `from`, or undefined; bytes are looked at as UTF-8 (a binary value never holds it). */
function textOf(p: Uint8Array): string | undefined {
  try {
    return utf8.decode(p);
  } catch {
    return undefined;
  }
}

/** How each parameter of a recorded statement is made for a new call with token `from`. */
function plan(params: readonly SqlValue[], from: string | number): Slot[] {
  return params.map((p): Slot => {
    if (p instanceof Date) return { kind: "now" };
    if (typeof from === "number") return typeof p === "number" && p === from ? { kind: "number" } : { kind: "const", value: p };
    if (typeof p === "string" && p.includes(from)) return { kind: "text", value: p };
    if (p instanceof Uint8Array) {
      const t = textOf(p);
      if (t !== undefined && t.includes(from)) return { kind: "bytes", value: t };
    }
    return { kind: "const", value: p };
  });
}

/** Replays recorded statements through a postgres.js pool: `run(to)` is one call with token `to`. */
export class Replay {
  readonly statements: readonly Recorded[];
  readonly #from: string | number;
  readonly #plans: Slot[][];
  readonly #groups: { tx: boolean; idx: number[] }[];
  readonly #sql: postgres.Sql;

  constructor(sql: postgres.Sql, statements: readonly Recorded[], from: string | number) {
    if (statements.length === 0) throw new Error("nothing recorded to replay");
    this.#sql = sql;
    this.statements = statements;
    this.#from = from;
    this.#plans = statements.map((s) => plan(s.params, from));
    this.#groups = [];
    statements.forEach((s, i) => {
      const last = this.#groups[this.#groups.length - 1];
      if (last && s.tx !== 0 && last.tx && statements[last.idx[0]!]!.tx === s.tx) last.idx.push(i);
      else this.#groups.push({ tx: s.tx !== 0, idx: [i] });
    });
  }

  /** Whether any statement ran in a transaction (replayed in sql.begin). */
  get transactional(): boolean {
    return this.#groups.some((g) => g.tx);
  }

  /** Parameters of statement `k` for token `to`. */
  params(k: number, to: string | number): SqlValue[] {
    const from = this.#from;
    return this.#plans[k]!.map((s) => {
      switch (s.kind) {
        case "const": return s.value;
        case "now": return new Date();
        case "number": return to;
        case "text": return s.value.replaceAll(String(from), String(to));
        case "bytes": return enc.encode(s.value.replaceAll(String(from), String(to)));
      }
    });
  }

  /** One call: the statements in order, each transaction's in one sql.begin. Rows per statement. */
  async run(to: string | number): Promise<number[]> {
    const out: number[] = [];
    for (const g of this.#groups) {
      if (!g.tx) {
        for (const k of g.idx) out.push((await this.#send(this.#sql, k, to)).length);
        continue;
      }
      await this.#sql.begin(async (tx) => {
        for (const k of g.idx) out.push((await this.#send(tx, k, to)).length);
      });
    }
    return out;
  }

  #send(sql: postgres.Sql | postgres.TransactionSql, k: number, to: string | number) {
    return sql.unsafe(this.statements[k]!.text, this.params(k, to) as postgres.ParameterOrJSON<never>[], { prepare: true });
  }

  /** Printable lines: each statement (whitespace collapsed) and its parameters' shapes, `*` = varies per call. */
  describe(indent = "    "): string[] {
    const lines: string[] = [];
    this.statements.forEach((s, k) => {
      const where = s.tx === 0 ? "" : ` [transaction ${s.tx}${s.savepoints ? `, savepoint depth ${s.savepoints}` : ""}]`;
      const result = s.error ? `failed: ${s.error}` : `${s.rows} row${s.rows === 1 ? "" : "s"}`;
      lines.push(`${indent}${k + 1}. ${oneLine(s.text)}${where}`);
      const shapes = s.params.map((p, i) => `$${i + 1} ${shape(p, this.#plans[k]![i]!)}`);
      lines.push(`${indent}   params: ${shapes.length ? shapes.join(", ") : "none"}; ${result}`);
    });
    return lines;
  }
}

export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

function shape(p: SqlValue, s: Slot): string {
  const mark = s.kind === "const" ? "" : s.kind === "now" ? " (now)" : "*";
  if (p === null) return "null";
  if (typeof p === "string") return `text(${p.length})${mark}`;
  if (p instanceof Uint8Array) return `bytes(${p.length})${mark}`;
  if (p instanceof Date) return `Date${mark}`;
  return `${typeof p}${mark}`;
}

/** Differences between a replay's row counts and the recorded ones (empty when they agree). */
export function rowMismatch(r: Replay, rows: number[]): string[] {
  const want = r.statements.map((s) => s.rows);
  if (want.length !== rows.length) return [`${rows.length} statements, recorded ${want.length}`];
  return want.flatMap((w, k) => (w === rows[k] ? [] : [`statement ${k + 1}: ${rows[k]} rows, the store's call got ${w}`]));
}
