// The report store's tables in PostgreSQL: SQLite's runs, stage_runs, attempts and
// health_checks, same columns and types as there (times stay ISO text), each with the
// `host` that recorded it. The column lists are named here, not `SELECT *`, so a column
// SQLite gains later is copied only once it is added here (by a migration of ours).
type Column = readonly [name: string, type: "text" | "bigint"];

export interface ReportTable {
  sqlite: string;
  postgres: string;
  /** Column of the run id: `id` in runs, `run_id` elsewhere. */
  runColumn: string;
  columns: readonly Column[];
  key: readonly string[];
}

export const REPORT_TABLES: readonly ReportTable[] = [
  {
    sqlite: "runs",
    postgres: "netra_runs",
    runColumn: "id",
    columns: [["id", "text"], ["started_at", "text"], ["finished_at", "text"], ["status", "text"], ["exit_code", "bigint"], ["config_path", "text"], ["config_hash", "text"], ["profile", "text"], ["pid", "bigint"], ["name", "text"], ["command", "text"], ["stages_total", "bigint"], ["duration_ms", "bigint"], ["note", "text"]],
    key: ["host", "id"],
  },
  {
    sqlite: "stage_runs",
    postgres: "netra_stage_runs",
    runColumn: "run_id",
    columns: [["run_id", "text"], ["stage", "text"], ["kind", "text"], ["priority", "text"], ["status", "text"], ["attempts", "bigint"], ["started_at", "text"], ["finished_at", "text"], ["duration_ms", "bigint"], ["exit_code", "bigint"], ["error", "text"], ["log_path", "text"], ["depends_on", "text"], ["position", "bigint"], ["description", "text"]],
    key: ["host", "run_id", "stage"],
  },
  {
    sqlite: "attempts",
    postgres: "netra_attempts",
    runColumn: "run_id",
    columns: [["run_id", "text"], ["stage", "text"], ["attempt", "bigint"], ["started_at", "text"], ["finished_at", "text"], ["duration_ms", "bigint"], ["outcome", "text"], ["exit_code", "bigint"], ["signal", "text"], ["error", "text"], ["backoff_ms", "bigint"]],
    key: ["host", "run_id", "stage", "attempt"],
  },
  {
    sqlite: "health_checks",
    postgres: "netra_health_checks",
    runColumn: "run_id",
    columns: [["run_id", "text"], ["stage", "text"], ["checked_at", "text"], ["ok", "bigint"], ["duration_ms", "bigint"], ["detail", "text"]],
    key: [],
  },
];

export const REPORT_TABLES_SQL = REPORT_TABLES.map((t) => {
  const columns = [["host", "text"] as const, ...t.columns].map(([name, type]) => `${name} ${type}`).join(", ");
  const key = t.key.length > 0 ? `, PRIMARY KEY (${t.key.join(", ")})` : "";
  const index = t.key.length === 0 ? `; CREATE INDEX ${t.postgres}_run ON ${t.postgres} (host, ${t.runColumn})` : "";
  return `CREATE TABLE ${t.postgres} (${columns}${key})${index}`;
}).join(";\n");
