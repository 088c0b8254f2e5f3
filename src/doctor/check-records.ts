// What the report database says: its own health, the lock, open circuits, the last
// failed run with hints, and flaky or slow stages. Opened read-only: doctor changes
// nothing, and must work when the file is damaged.
import { existsSync, readFileSync, statSync } from "node:fs";
import { formatDuration } from "../config/duration.js";
import { logTail } from "../output/log-tail.js";
import { groupMembers } from "../engine/process/process-group.js";
import { SCHEMA_VERSION } from "../store/migrations.js";
import { leftoverGroups, orphanedRuns } from "../store/recovery.js";
import { holderAlive, holderRunsHere, readLock } from "../store/lock.js";
import { databasePath, type Db } from "../store/database.js";
import { openReadonlyFile } from "../store/read-database.js";
import { describeHolder } from "../store/session.js";
import { StoreError } from "../store/store-error.js";
import { isInside } from "../util/inside-dir.js";
import { fail, ok, warn, type Finding } from "./finding.js";
import { hintFor } from "./hints.js";
import { describePortOwner } from "./port-owner.js";

// The database check: PRAGMA quick_check by default — it finds damaged pages and records
// but does not cross-check every index against its table, which is what made
// integrity_check take ~470 ms on a 40 MB history; `doctor --full` runs the full one.
export function checkRecords(stateDir: string, fullCheck = false): Finding[] {
  // A state dir that is a file is reported by the environment checks.
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) return [];
  const file = databasePath(stateDir);
  if (!existsSync(file)) return [ok("state", `no report database yet (${file}): nothing has run with this state dir`)];
  let db: Db;
  try {
    db = openReadonlyFile(file, 2000);
  } catch (error) {
    if (error instanceof StoreError) return [fail("state", error.message, error.hint)];
    return [fail("state", `cannot open ${file}: ${(error as Error).message}`, `move it aside (mv ${file} ${file}.broken); \`up\` creates a new one`)];
  }
  try {
    const health = checkDatabase(db, file, fullCheck);
    if (health.some((f) => f.status === "fail")) return health;
    return [...health, ...checkLock(db), ...checkOrphanedRuns(db, stateDir), ...checkCircuits(db), ...checkLastRun(db, stateDir), ...checkHistory(db)];
  } finally {
    db.close();
  }
}

function checkDatabase(db: Db, file: string, fullCheck: boolean): Finding[] {
  try {
    const integrity = db.pragma(fullCheck ? "integrity_check" : "quick_check", { simple: true }) as string;
    const version = db.pragma("user_version", { simple: true }) as number;
    if (integrity !== "ok") return [fail("state", `${file} is damaged: ${integrity}`, `move it aside (mv ${file} ${file}.broken); \`up\` creates a new one (the history in it is lost)`)];
    if (version > SCHEMA_VERSION) return [fail("state", `${file} has schema version ${version}, newer than this netra-start (${SCHEMA_VERSION})`, "upgrade netra-start")];
    const runs = (db.prepare("SELECT COUNT(*) AS n FROM runs").get() as { n: number }).n;
    const note = version < SCHEMA_VERSION ? `; schema ${version} will be migrated to ${SCHEMA_VERSION} by the next \`up\`` : `, schema ${version}`;
    return [ok("state", `report database ok: ${runs} run${runs === 1 ? "" : "s"} recorded${note} (${fullCheck ? "full integrity check" : "quick check; `doctor --full` checks every index too"})`)];
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    return [fail("state", `${file} is not a readable SQLite database (${code || (error as Error).message})`, `move it aside (mv ${file} ${file}.broken); \`up\` creates a new one`)];
  }
}

function checkLock(db: Db): Finding[] {
  const holder = readLock(db);
  if (!holder) return [ok("state", "lock is free")];
  const who = describeHolder(holder);
  if (holderRunsHere(holder)) return [warn("state", `lock is held by ${who}`, "wait for it, stop it (Ctrl-C in its terminal), or use --wait-lock / another --state-dir")];
  // Another machine's holder cannot be checked from here: only a person can say it is gone.
  if (holderAlive(holder))
    return [warn("state", `lock is held by ${who}, on another host: it cannot be checked from here`, `if that run is gone (its machine stopped), remove its lock: \`netra-start up --force-unlock\` (or \`down --force-unlock\`)`)];
  return [warn("state", `lock is stale: held by ${who}, which is no longer running`, "nothing to do: the next `up` takes it over and records that run as abandoned")];
}

// A supervisor that died (kill -9, OOM) leaves its run `running` until the next `up` or
// `down` marks it abandoned — and may leave its stages running, holding ports and files:
// often the very reason the next start fails. Name them, with the commands that end them.
function checkOrphanedRuns(db: Db, stateDir: string): Finding[] {
  return orphanedRuns(db).map((run) => {
    const groups = leftoverGroups(db, stateDir, run.id);
    const pids = groups.flatMap(groupMembers);
    const what = `run ${run.id} (started ${run.startedAt}) was left unfinished: its supervisor, pid ${run.pid}, is gone`;
    if (groups.length === 0) return warn("last run", what, "nothing is left running; the next `up` or `down` records it as abandoned, and `netra-start report` shows how far it got");
    return fail(
      "last run",
      `${what}, and ${pids.length} of its processes still run (pid${pids.length === 1 ? "" : "s"} ${pids.join(", ")})`,
      `end them and keep what was done: \`netra-start down\` (or \`kill -TERM -- ${groups.map((g) => `-${g}`).join(" ")}\`)`,
      { details: pids.map((pid) => `${pid}: ${commandLineOf(pid)}`) },
    );
  });
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ") || "?";
  } catch {
    return "?";
  }
}

function checkCircuits(db: Db): Finding[] {
  const rows = db.prepare("SELECT stage, state, consecutive_failures, opened_at FROM circuits WHERE state != 'closed' ORDER BY stage").all() as {
    stage: string;
    state: string;
    consecutive_failures: number;
    opened_at: string;
  }[];
  if (rows.length === 0) return [ok("circuits", "no circuit breaker is open")];
  return rows.map((r) =>
    warn("circuits", `circuit ${r.state.replace("_", "-")} after ${r.consecutive_failures} consecutive failed runs (opened ${r.opened_at})`, `fix the cause, then \`netra-start circuits reset ${r.stage}\` (or \`up --reset-circuits\`)`, {
      stage: r.stage,
    }),
  );
}

function checkLastRun(db: Db, stateDir: string): Finding[] {
  const run = db.prepare("SELECT id, status, exit_code, started_at FROM runs WHERE status != 'running' ORDER BY started_at DESC LIMIT 1").get() as
    | { id: string; status: string; exit_code: number | null; started_at: string }
    | undefined;
  if (!run) return [];
  if (run.status === "ready") return [ok("last run", `last run ${run.id} was ready`)];
  const findings: Finding[] = [];
  const status = `last run ${run.id} ${run.status}${run.exit_code === null ? "" : ` (exit ${run.exit_code})`}`;
  const failed = db.prepare("SELECT stage, error, log_path, priority FROM stage_runs WHERE run_id = ? AND status = 'failed' ORDER BY position, rowid").all(run.id) as {
    stage: string;
    error: string | null;
    log_path: string | null;
    priority: string;
  }[];
  if (failed.length === 0) findings.push(warn("last run", status, run.status === "abandoned" ? "its supervisor died; `netra-start report` shows how far it got" : "`netra-start report` shows what happened"));
  for (const stage of failed) {
    // A log path outside the state dir (a copied or crafted database) is not read.
    const tail = stage.log_path && isInside(stateDir, stage.log_path) ? logTail(stage.log_path, 8) : [];
    const hint = hintFor({ error: stage.error ?? "", tail, portOwner: describePortOwner });
    findings.push(
      (stage.priority === "critical" ? fail : warn)("last run", `${status}: ${stage.stage} failed: ${stage.error ?? "unknown error"}`, hint ?? `read its log: ${stage.log_path}`, {
        stage: stage.stage,
        details: tail,
      }),
    );
  }
  return findings;
}

// Flaky: needed retries in a good share of recent runs. Slow: the latest success took far
// longer than the usual.
function checkHistory(db: Db): Finding[] {
  const recent = db
    .prepare(
      `SELECT stage, status, attempts, duration_ms FROM stage_runs
       WHERE run_id IN (SELECT id FROM runs ORDER BY started_at DESC LIMIT 20) ORDER BY finished_at`,
    )
    .all() as { stage: string; status: string; attempts: number; duration_ms: number | null }[];
  const byStage = new Map<string, typeof recent>();
  for (const row of recent) (byStage.get(row.stage) ?? byStage.set(row.stage, []).get(row.stage))?.push(row);
  const findings: Finding[] = [];
  for (const [stage, rows] of byStage) {
    const ran = rows.filter((r) => r.status === "ready" || r.status === "failed");
    const retried = ran.filter((r) => r.status === "ready" && r.attempts > 1).length;
    if (ran.length >= 2 && retried >= 2 && retried / ran.length >= 0.2)
      findings.push(warn("history", `flaky: succeeded only after retries in ${retried} of its last ${ran.length} runs (${Math.round((100 * retried) / ran.length)}%)`, "look at its failed attempts (`netra-start report`) — a dependency it does not declare, or a race at start", { stage }));
    const durations = rows.filter((r) => r.status === "ready" && r.duration_ms !== null).map((r) => r.duration_ms as number);
    const latest = durations.at(-1);
    const earlier = durations.slice(0, -1).sort((a, b) => a - b);
    if (latest !== undefined && earlier.length >= 3) {
      const median = earlier[earlier.length >> 1] as number;
      if (latest > 2 * median && latest - median > 1000)
        findings.push(warn("history", `slow: latest run took ${formatDuration(latest)}, its median is ${formatDuration(median)}`, "see where the time went: `netra-start report` (and the stage's log)", { stage }));
    }
  }
  if (findings.length === 0 && recent.length > 0) findings.push(ok("history", "no flaky or unusually slow stage in the last 20 runs"));
  return findings;
}
