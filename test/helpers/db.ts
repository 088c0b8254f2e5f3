// Reading a state dir's report database (and its logs) the way a person with sqlite3 would.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export function queryDb<T = Record<string, unknown>>(stateDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(stateDir, "netra.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A stage's log in the state dir's only run (the tests that use it run once). */
export function stageLogOf(stateDir: string, stage: string): string {
  const runDir = readdirSync(path.join(stateDir, "logs"))[0] as string;
  return readFileSync(path.join(stateDir, "logs", runDir, `${stage}.log`), "utf8");
}
