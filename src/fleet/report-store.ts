// settings.report_store: postgres — after a run is recorded in SQLite (the source of
// truth on each host), its rows are copied to the coordination database, so `history
// --fleet` shows every host. The copy never decides a run's exit code: a failure is
// retried, then said as a warning, and the runs it missed are copied by the next `up`.
import type { Coordination } from "../config/types.js";
import type { Db } from "../store/sqlite.js";
import { sleep } from "../util/sleep.js";
import { pgErrorText } from "./coordination-error.js";
import { CoordinationSession } from "./coordination-session.js";
import { shownUrl } from "./database-url.js";
import { migrateFleetSchema } from "./fleet-schema.js";
import { REPORT_TABLES, type ReportTable } from "./report-tables.js";

/** Finished runs looked at per copy: the latest ones, so a long history costs nothing. */
const RECENT_RUNS = 20;
/** Tries, and the waits between them (a database restarting takes seconds). */
const RETRY_DELAYS_MS = [1000, 3000];

export type CopyOutcome = { ok: true; copied: string[] } | { ok: false; warning: string };

export async function copyRunsToReportStore(db: Db, coordination: Coordination, host: string): Promise<CopyOutcome> {
  let last: unknown;
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    if (attempt > 0) await sleep(RETRY_DELAYS_MS[attempt - 1] as number, new AbortController().signal);
    try {
      return { ok: true, copied: await copyOnce(db, coordination, host) };
    } catch (error) {
      last = error;
    }
  }
  return {
    ok: false,
    warning: `warning: the report store ${shownUrl(coordination.postgres)} (settings.report_store, postgres at ${coordination.where}) did not take this host's runs after ${RETRY_DELAYS_MS.length + 1} tries: ${last instanceof ReportStoreError ? last.message : pgErrorText(last)}; they stay in the local report database and the next up copies them`,
  };
}

class ReportStoreError extends Error {}

async function copyOnce(db: Db, coordination: Coordination, host: string): Promise<string[]> {
  const opened = await CoordinationSession.open(coordination, host, new AbortController().signal);
  if (!opened.ok) throw new ReportStoreError(opened.message);
  const session = opened.session;
  try {
    const schema = await migrateFleetSchema(session);
    if (!schema.ok) throw new ReportStoreError(schema.message);
    const local = db.prepare("SELECT id FROM runs WHERE status <> 'running' ORDER BY started_at DESC LIMIT ?").pluck().all(RECENT_RUNS) as string[];
    const there = await session.query<{ id: string }>("SELECT id FROM netra_runs WHERE host = $1 AND id = ANY($2::text[])", [host, local]);
    const missing = local.filter((id) => !there.some((row) => row.id === id));
    for (const id of missing.reverse()) {
      await session.query("BEGIN");
      try {
        for (const table of REPORT_TABLES) await copyRows(session, db, table, host, id);
        await session.query("COMMIT");
      } catch (error) {
        await session.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
    return missing;
  } finally {
    await session.close();
  }
}

// One statement per table and run: the rows travel as one JSON array and PostgreSQL
// unpacks them with the table's column types.
async function copyRows(session: CoordinationSession, db: Db, table: ReportTable, host: string, runId: string): Promise<void> {
  const names = table.columns.map(([name]) => name);
  const rows = db.prepare(`SELECT ${names.join(", ")} FROM ${table.sqlite} WHERE ${table.runColumn} = ?`).all(runId);
  if (rows.length === 0) return;
  const shape = table.columns.map(([name, type]) => `${name} ${type}`).join(", ");
  await session.query(`INSERT INTO ${table.postgres} (host, ${names.join(", ")}) SELECT $1, ${names.map((n) => `r.${n}`).join(", ")} FROM jsonb_to_recordset($2::jsonb) AS r(${shape})`, [host, JSON.stringify(rows)]);
}
