// Opening the report database for commands that only read it (history, report,
// circuits, doctor): read-only, so they work on a read-only state dir or mount and can
// never create or change anything. No database yet is not an error: it is "no runs".
import { existsSync, statSync } from "node:fs";
import { databasePath, openDatabase, unreadable } from "./database.js";
import { SCHEMA_VERSION } from "./migrations.js";
import { connect, openImmutable, type Db } from "./sqlite.js";
import { StoreError } from "./store-error.js";

/** The database, read-only; undefined when nothing has run with this state dir yet. */
export function openDatabaseReadonly(stateDir: string): Db | undefined {
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory())
    throw new StoreError(`the state dir ${stateDir} is a file, not a directory`, `move it away (mv ${stateDir} ${stateDir}.old), or choose another with --state-dir / NETRA_START_STATE_DIR`);
  const file = databasePath(stateDir);
  if (!existsSync(file)) return undefined;
  const db = openReadonlyFile(file);
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === SCHEMA_VERSION) return db;
  db.close();
  if (version > SCHEMA_VERSION) throw new StoreError(`${file} has schema version ${version}; this netra-start knows up to ${SCHEMA_VERSION}`, "upgrade netra-start, or use another --state-dir");
  // An older file has to be migrated before its rows can be read the way this version
  // reads them: that one write is the migration `up` would make.
  try {
    return openDatabase(stateDir);
  } catch (error) {
    throw new StoreError(`${file} has schema version ${version} and must be migrated to ${SCHEMA_VERSION}, which needs write access`, `run any netra-start command once where ${stateDir} is writable`, { cause: error });
  }
}

// Read-only with the usual locking first (a run may be writing right now); when SQLite
// cannot open it so — a WAL file whose -shm cannot be created in a read-only folder —
// as an immutable file. Doctor uses this as it is: it must not even migrate.
export function openReadonlyFile(file: string, timeout = 5000): Db {
  try {
    return checkedOpen(() => connect(file, { readonly: true, fileMustExist: true, timeout }));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") throw unreadable(file, code, error);
    if (code !== "SQLITE_CANTOPEN" && !code.startsWith("SQLITE_READONLY")) throw new StoreError(`cannot read ${file}: ${(error as Error).message}`, "check the state dir, or pass --state-dir", { cause: error });
    try {
      return checkedOpen(() => openImmutable(file, { fileMustExist: true }));
    } catch (second) {
      throw new StoreError(`cannot read ${file} (${(second as { code?: string }).code ?? (second as Error).message})`, `check that ${file} is readable, or pass --state-dir`, { cause: second });
    }
  }
}

// SQLite opens lazily: reading the header is what tells a database from another file.
function checkedOpen(open: () => Db): Db {
  const db = open();
  try {
    db.pragma("user_version", { simple: true });
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
