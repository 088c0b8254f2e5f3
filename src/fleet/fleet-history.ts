// `history --fleet`: the latest runs of every host, from the report store
// (settings.report_store: postgres), in the shape of the local history's rows.
import type { Coordination } from "../config/types.js";
import type { RunRow } from "../store/queries.js";
import { readFleet, type FleetRead } from "./read-fleet.js";

// int8 arrives from pg as a string: the columns are cast to int, as SQLite gives them.
const FLEET_RUNS = `SELECT r.host, r.id, r.started_at, r.finished_at, r.status, r.exit_code::int AS exit_code, r.config_path, r.config_hash, r.profile,
    r.pid::int AS pid, r.name, r.command, r.stages_total::int AS stages_total, r.duration_ms::int AS duration_ms, r.note,
    count(*) FILTER (WHERE s.status = 'ready')::int AS ready, count(*) FILTER (WHERE s.status = 'failed')::int AS failed,
    count(*) FILTER (WHERE s.status = 'skipped')::int AS skipped, count(*) FILTER (WHERE s.status = 'cancelled')::int AS cancelled
  FROM netra_runs r LEFT JOIN netra_stage_runs s ON s.host = r.host AND s.run_id = r.id
  GROUP BY r.host, r.id ORDER BY r.started_at DESC, r.host, r.id DESC LIMIT $1`;

export async function listFleetRuns(coordination: Coordination, limit: number): Promise<FleetRead<{ runs: RunRow[] }>> {
  return readFleet(coordination, async (session) => ({ ok: true, runs: await session.query<RunRow & Record<string, unknown>>(FLEET_RUNS, [limit]) }));
}
