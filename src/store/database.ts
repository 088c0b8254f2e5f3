// Opening <state-dir>/netra.db: WAL, a busy timeout, forward migrations. Problems with
// the state dir or the file are StoreErrors naming the path and the fix — never a
// stack trace, and never a migration that loses rows.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { connect, type Db } from "./sqlite.js";
import { StoreError } from "./store-error.js";

export type { Db };

export { StoreError };

export function databasePath(stateDir: string): string {
  return path.join(stateDir, "netra.db");
}

// For the commands that write (up, down, prune, circuits reset): creates the state dir
// and the file, migrates. Readers use openDatabaseReadonly (read-database.ts).
export function openDatabase(stateDir: string): Db {
  const file = databasePath(stateDir);
  let db: Db;
  try {
    mkdirSync(stateDir, { recursive: true });
    db = connect(file, { timeout: 5000 });
  } catch (error) {
    throw describeOpenError(error, stateDir, file);
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
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") throw unreadable(file, code, error);
    if (code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN")
      throw new StoreError(`cannot write to ${file} (${code})`, `check the permissions of ${stateDir}, or pass --state-dir`, { cause: error });
    throw new StoreError(`cannot use ${file}: ${(error as Error).message}`, "check the state dir, or pass --state-dir", { cause: error });
  }
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

export function unreadable(file: string, code: string, cause: unknown): StoreError {
  return new StoreError(`${file} is not a readable SQLite database (${code})`, `move it aside (mv ${file} ${file}.broken) and run again: a new one is created; \`netra-start doctor\` checks it`, { cause });
}

function describeOpenError(error: unknown, stateDir: string, file: string): StoreError {
  const code = (error as { code?: string }).code ?? "";
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
