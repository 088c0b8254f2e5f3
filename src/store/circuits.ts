// Circuit records in the report database.
import type { CircuitRecord } from "../engine/circuit-breaker.js";
import type { Db } from "./database.js";

interface Row {
  stage: string;
  state: CircuitRecord["state"];
  consecutive_failures: number;
  opened_at: string | null;
  updated_at: string;
}

export function readCircuits(db: Db): Row[] {
  return db.prepare("SELECT * FROM circuits ORDER BY stage").all() as Row[];
}

// Loaded once per run into the RunState; changes come back as circuit-changed events,
// which the recorder writes (a run holds the lock: nobody else writes them meanwhile).
export function loadCircuits(db: Db): Map<string, CircuitRecord> {
  return new Map(readCircuits(db).map((row) => [row.stage, { state: row.state, consecutiveFailures: row.consecutive_failures, openedAt: row.opened_at ? Date.parse(row.opened_at) : undefined }]));
}

export function recordTransition(db: Db, stage: string, from: string, to: string, failures: number, runId: string | null, reason: string): void {
  db.prepare("INSERT INTO circuit_transitions (stage, at, from_state, to_state, consecutive_failures, run_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
    stage,
    new Date().toISOString(),
    from,
    to,
    failures,
    runId,
    reason,
  );
}

// `circuits reset [STAGE]` and `up --reset-circuits`: close by hand.
export function resetCircuits(db: Db, stage: string | undefined): string[] {
  const rows = readCircuits(db).filter((r) => (stage === undefined || r.stage === stage) && (r.state !== "closed" || r.consecutive_failures > 0));
  db.transaction(() => {
    for (const row of rows) {
      db.prepare("UPDATE circuits SET state = 'closed', consecutive_failures = 0, opened_at = NULL, updated_at = ? WHERE stage = ?").run(new Date().toISOString(), row.stage);
      if (row.state !== "closed") recordTransition(db, row.stage, row.state, "closed", 0, null, "reset by hand");
    }
  })();
  return rows.map((r) => r.stage);
}
