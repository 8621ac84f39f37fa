/**
 * The FS port: the only way the fs backend touches storage. Paths are relative to the adapter's root,
 * use "/" as separator, and never contain "." or ".." segments (the backend builds them from encoded
 * names). Adapters map native errors to StoreError ("unavailable" for I/O failures) keeping `cause`.
 */
export interface FsPort {
  /** The file's bytes, or undefined when it does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;

  /**
   * Replace the file durably and atomically: temp file in the same directory, fsync, rename, fsync of
   * the directory. Parent directories are created (0700); the file is 0600.
   */
  writeFile(path: string, data: Uint8Array): Promise<void>;

  /**
   * Several whole-file writes (data) and removals (null) at once. Each file is replaced atomically;
   * they become visible in the order given (a reader never sees a later one without the earlier
   * ones), and all are durable when the promise resolves. Not atomic as a group: that is what the
   * backend's journal is for. The slow part (fsync of each file) may run concurrently.
   */
  writeBatch(writes: [path: string, data: Uint8Array | null][]): Promise<void>;

  /**
   * Create the file only if nothing exists at `path`, with its full content: it appears complete or
   * not at all. Returns false when it already exists. Works across processes. Durable (file and
   * directory fsynced) unless `durable: false`, for state that need not survive a power loss.
   */
  createExclusive(path: string, data: Uint8Array, opts?: SyncOptions): Promise<boolean>;

  /** Remove a file; false when it did not exist. The directory is fsynced unless `durable: false`. */
  remove(path: string, opts?: SyncOptions): Promise<boolean>;

  /** Remove a directory and everything below it; no error when missing. */
  removeTree(path: string): Promise<void>;

  /** Names in a directory (files and directories, unsorted); [] when the directory is missing. */
  list(path: string): Promise<string[]>;

  /**
   * Optional (the blob folder adapter needs it): the entries of a directory with their kind and,
   * for files, their size; unsorted. `""` is the root. Symbolic links are "other" (not followed).
   * An entry that vanishes while it is looked at is left out. undefined when there is no directory
   * at `path` (missing, or a file).
   */
  entries?(path: string): Promise<FsEntry[] | undefined>;

  /**
   * Optional (the blob folder adapter prunes with it): removes `path` if it is an empty directory;
   * false when it is missing, not a directory or not empty. Never removes a file or a non-empty
   * directory, so a file another writer just moved in survives. Not fsynced: an empty directory
   * that comes back after a crash holds nothing.
   */
  removeDir?(path: string): Promise<boolean>;

  /** This process, as lock owners are recorded: host name and process id. */
  readonly self: ProcessRef;

  /**
   * Whether the process that recorded `owner` may still be running. Must answer true when it cannot
   * tell (another host): a lock is only broken when its holder is known to be gone.
   */
  isAlive(owner: ProcessRef): boolean;

  /** A human-readable location of the root, for messages and `src store info`. */
  readonly location: string;
}

export interface FsEntry {
  name: string;
  kind: "file" | "dir" | "other";
  /** Bytes, for a file; 0 otherwise. */
  size: number;
}

export interface SyncOptions {
  /** Default true. */
  durable?: boolean;
}

/**
 * A process as lock owners are recorded. `boot` identifies the host's boot and `ns` its pid namespace
 * ("" when unknown): a process recorded under another boot of this host is gone, whatever its pid is
 * now; one of another pid namespace (a container sharing the host name) cannot be checked.
 */
export interface ProcessRef {
  host: string;
  boot: string;
  ns: string;
  pid: number;
}
