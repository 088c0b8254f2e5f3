// Opening <state-dir>/netra.db: WAL, a busy timeout, forward migrations. Problems with
// the state dir or the file are StoreErrors naming the path and the fix — never a
// stack trace, and never a migration that loses rows.
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { StoreError } from "./store-error.js";

export type Db = Database.Database;

export { StoreError };

export function databasePath(stateDir: string): string {
  return path.join(stateDir, "netra.db");
}

export interface OpenOptions {
  /** Read-only commands (history, report) must not create a state dir. */
  readonly?: boolean;
}

export function openDatabase(stateDir: string, options: OpenOptions = {}): Db {
  const file = databasePath(stateDir);
  if (options.readonly && !existsSync(file))
    throw new StoreError(`no report database at ${file}`, "nothing has run with this state dir yet: run `netra-start up` first, or pass --state-dir / -c");
  let db: Db;
  try {
    if (!options.readonly) mkdirSync(stateDir, { recursive: true });
    db = new Database(file, { fileMustExist: Boolean(options.readonly), timeout: 5000, nativeBinding: addonPath() });
  } catch (error) {
    throw describeOpenError(error, stateDir, file, options);
  }
  try {
    setWal(db);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const code = (error as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT")
      throw new StoreError(`${file} is not a readable SQLite database (${code})`, `move it aside (mv ${file} ${file}.broken) and run again: a new one is created; \`netra-start doctor\` checks it`, { cause: error });
    if (code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN")
      throw new StoreError(`cannot write to ${file} (${code})`, `check the permissions of ${stateDir}, or pass --state-dir`, { cause: error });
    throw new StoreError(`cannot use ${file}: ${(error as Error).message}`, "check the state dir, or pass --state-dir", { cause: error });
  }
}

// better-sqlite3 finds its addon through the `bindings` package, which loads, reads a
// stack trace and tries path after path: ~5 ms of every command that opens the database.
// Where npm builds it (or puts the prebuilt one) it can be named at once.
let addon: string | undefined | null = null;
function addonPath(): string | undefined {
  if (addon === null) {
    try {
      addon = createRequire(import.meta.url).resolve("better-sqlite3/build/Release/better_sqlite3.node");
    } catch {
      addon = undefined;
    }
  }
  return addon;
}

// Switching a new file to WAL takes an exclusive lock, and SQLite may answer BUSY at once
// instead of waiting on the busy timeout: several `up`s started together on a fresh
// state dir must not fail on it, so retry for a while.
function setWal(db: Db): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function describeOpenError(error: unknown, stateDir: string, file: string, options: OpenOptions): StoreError {
  const code = (error as { code?: string }).code ?? "";
  if (options.readonly && (code === "SQLITE_CANTOPEN" || code === "ENOENT"))
    return new StoreError(`no report database at ${file}`, "nothing has run with this state dir yet: run `netra-start up` first, or pass --state-dir");
  if (code === "EACCES" || code === "EPERM" || code === "SQLITE_CANTOPEN" || code === "EROFS" || code === "ENOTDIR")
    return new StoreError(`cannot create or open the state dir ${stateDir} (${code})`, "make it writable, or choose another with --state-dir / NETRA_START_STATE_DIR");
  return new StoreError(`cannot open ${file}: ${(error as Error).message}`, "check the state dir, or pass --state-dir");
}

// Applies the migrations this binary knows past the file's version, each in its own
// transaction. A newer file than we know is refused: an older binary must not write to it.
function migrate(db: Db, file: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION)
    throw new StoreError(`${file} has schema version ${version}; this netra-start knows up to ${SCHEMA_VERSION}`, "upgrade netra-start, or use another --state-dir");
  for (let next = version + 1; next <= SCHEMA_VERSION; next++) {
    db.transaction(() => {
      // Read again under the write lock: another process may have just migrated.
      if ((db.pragma("user_version", { simple: true }) as number) >= next) return;
      db.exec(MIGRATIONS[next - 1] as string);
      db.pragma(`user_version = ${next}`);
    }).immediate();
  }
}
