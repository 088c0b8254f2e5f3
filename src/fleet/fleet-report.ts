// `report --fleet [RUN]`: one run of any host, read back from the report store in the
// shape the local report reads from SQLite, so every report format works on it.
import type { Coordination } from "../config/types.js";
import type { AttemptRow, HealthRow, RunDetails, RunRow, StageRunRow } from "../store/queries.js";
import { readFleet, type FleetRead } from "./read-fleet.js";
import { REPORT_TABLES, type ReportTable } from "./report-tables.js";

export type FleetReport = FleetRead<{ details: RunDetails | undefined }>;

// Each column as SQLite gives it: int8 comes back from pg as a string, so it is cast.
function columnsOf(name: string): string {
  const table = REPORT_TABLES.find((t) => t.sqlite === name) as ReportTable;
  return ["host", ...table.columns.map(([column, type]) => (type === "bigint" ? `${column}::int AS ${column}` : column))].join(", ");
}

export async function fleetRunDetails(coordination: Coordination, id: string | undefined): Promise<FleetReport> {
  return readFleet<{ details: RunDetails | undefined }>(coordination, async (session) => {
    const where = id === undefined ? "" : "WHERE id = $1 OR id LIKE $2";
    const params = id === undefined ? [] : [id, `${id.replace(/[%_]/g, "")}%`];
    const found = await session.query<RunRow & Record<string, unknown>>(`SELECT ${columnsOf("runs")} FROM netra_runs ${where} ORDER BY started_at DESC, id DESC LIMIT 2`, params);
    const run = found.find((r) => r.id === id) ?? (id === undefined || found.length === 1 ? found[0] : undefined);
    if (!run) return { ok: true, details: undefined };
    const rows = <T>(table: string, order: string) =>
      session.query<T & Record<string, unknown>>(`SELECT ${columnsOf(table)} FROM netra_${table} WHERE host = $1 AND run_id = $2 ORDER BY ${order}`, [run.host, run.id]);
    const stages = await rows<StageRunRow>("stage_runs", "position, stage");
    return {
      ok: true,
      details: {
        // Log paths name files on the host that ran it, not here.
        run: { ...run, ready: 0, failed: 0, skipped: 0, cancelled: 0 },
        stages: stages.map((s) => ({ ...s, log_path: null })),
        attempts: await rows<AttemptRow>("attempts", "started_at, stage, attempt"),
        rollbacks: [],
        health: await rows<HealthRow>("health_checks", "checked_at"),
      },
    };
  });
}
