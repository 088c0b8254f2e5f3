// Circuit records in the report database. Loaded once per run and written through only
// when a record changes (a run holds the lock: nobody else writes them meanwhile).
import { CLOSED, type CircuitRecord, type CircuitStore } from "../engine/circuit-breaker.js";
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

export class DbCircuitStore implements CircuitStore {
  private readonly records = new Map<string, CircuitRecord>();

  constructor(
    private readonly db: Db,
    private readonly runId: string | null,
  ) {
    for (const row of readCircuits(db))
      this.records.set(row.stage, { state: row.state, consecutiveFailures: row.consecutive_failures, openedAt: row.opened_at ? Date.parse(row.opened_at) : undefined });
  }

  get(stage: string): CircuitRecord {
    return this.records.get(stage) ?? CLOSED;
  }

  set(stage: string, record: CircuitRecord): void {
    const before = this.get(stage);
    if (before.state === record.state && before.consecutiveFailures === record.consecutiveFailures && before.openedAt === record.openedAt) return;
    this.records.set(stage, record);
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO circuits (stage, state, consecutive_failures, opened_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stage) DO UPDATE SET state = excluded.state, consecutive_failures = excluded.consecutive_failures, opened_at = excluded.opened_at, updated_at = excluded.updated_at`,
      )
      .run(stage, record.state, record.consecutiveFailures, record.openedAt === undefined ? null : new Date(record.openedAt).toISOString(), now);
    if (before.state !== record.state)
      recordTransition(this.db, stage, before.state, record.state, record.consecutiveFailures, this.runId, record.state === "closed" ? "attempt succeeded" : record.state === "open" ? "failure threshold reached" : "recovery time passed");
  }
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
