// The one place a better-sqlite3 connection is made. Two things are settled here once:
// the addon is named directly (better-sqlite3 otherwise finds it through `bindings`,
// which reads a stack trace and tries path after path: ~5 ms of every command), and
// SQLite URI filenames are on, so that a database on read-only storage can be opened
// `immutable` (see openImmutable).
import { createRequire } from "node:module";
import Database from "better-sqlite3";

export type Db = Database.Database;

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

// better-sqlite3 reads SQLITE_USE_URI once, when its addon loads (on the first
// connection). It is set only around that moment: every stage's environment is built
// from ours, and a stage's own SQLite must not inherit it.
let uriConfigured = false;
export function connect(file: string, options: Database.Options = {}): Db {
  if (uriConfigured) return new Database(file, { nativeBinding: addonPath(), ...options });
  const before = process.env.SQLITE_USE_URI;
  process.env.SQLITE_USE_URI = "1";
  try {
    return new Database(file, { nativeBinding: addonPath(), ...options });
  } finally {
    uriConfigured = true;
    if (before === undefined) delete process.env.SQLITE_USE_URI;
    else process.env.SQLITE_USE_URI = before;
  }
}

// A WAL database is read through its -shm file, which a reader creates when missing —
// impossible on a read-only mount or in a folder we may not write. SQLite's documented
// way to read such a file is `immutable=1`: no locks, no -shm, the file taken as it is
// (right there: nobody can be writing to storage nobody may write).
export function openImmutable(file: string, options: Database.Options = {}): Db {
  const uri = `file:${encodeURI(file).replace(/[?#]/g, encodeURIComponent)}?immutable=1`;
  return connect(uri, { ...options, readonly: true });
}
