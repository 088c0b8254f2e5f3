// The report database's schema, as forward migrations: migration n brings a database
// from `PRAGMA user_version` n-1 to n. Never edit a shipped migration; add one.
// Every column is documented in docs/database.md.
export const MIGRATIONS: readonly string[] = [
  // 1: runs, stages, attempts, rollbacks, health checks, circuits, the lock.
  `
  CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('running','ready','degraded','failed','interrupted','abandoned')),
    exit_code     INTEGER,
    config_path   TEXT NOT NULL,
    config_hash   TEXT NOT NULL,
    profile       TEXT,
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    command       TEXT NOT NULL,
    stages_total  INTEGER NOT NULL,
    duration_ms   INTEGER,
    note          TEXT
  );
  CREATE INDEX runs_started_at ON runs (started_at);

  CREATE TABLE stage_runs (
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    priority     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ready','failed','skipped','cancelled')),
    attempts     INTEGER NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    duration_ms  INTEGER,
    exit_code    INTEGER,
    error        TEXT,
    log_path     TEXT,
    PRIMARY KEY (run_id, stage)
  );
  CREATE INDEX stage_runs_stage ON stage_runs (stage, status);

  CREATE TABLE attempts (
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    duration_ms  INTEGER,
    outcome      TEXT NOT NULL,
    exit_code    INTEGER,
    signal       TEXT,
    error        TEXT,
    backoff_ms   INTEGER,
    PRIMARY KEY (run_id, stage, attempt)
  );

  CREATE TABLE processes (
    run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('stage','cleanup')),
    pgid        INTEGER NOT NULL,
    started_at  TEXT NOT NULL
  );
  CREATE INDEX processes_run ON processes (run_id);

  CREATE TABLE rollbacks (
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('failure','interrupt','teardown','down')),
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ok','failed','skipped')),
    error        TEXT
  );
  CREATE INDEX rollbacks_run ON rollbacks (run_id);

  CREATE TABLE health_checks (
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    checked_at   TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    detail       TEXT NOT NULL
  );
  CREATE INDEX health_checks_run ON health_checks (run_id, stage);

  CREATE TABLE circuits (
    stage                 TEXT PRIMARY KEY,
    state                 TEXT NOT NULL CHECK (state IN ('closed','open','half_open')),
    consecutive_failures  INTEGER NOT NULL,
    opened_at             TEXT,
    updated_at            TEXT NOT NULL
  );

  CREATE TABLE circuit_transitions (
    stage                 TEXT NOT NULL,
    at                    TEXT NOT NULL,
    from_state            TEXT NOT NULL,
    to_state              TEXT NOT NULL,
    consecutive_failures  INTEGER NOT NULL,
    run_id                TEXT,
    reason                TEXT NOT NULL
  );

  CREATE TABLE lock (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    pid          INTEGER NOT NULL,
    host         TEXT NOT NULL,
    acquired_at  TEXT NOT NULL,
    proc_start   TEXT,
    run_id       TEXT,
    command      TEXT NOT NULL
  );
  `,
  // 2: per-stage lookups for flaky/slow statistics (doctor) and estimates.
  `
  CREATE INDEX attempts_stage ON attempts (stage, outcome);
  `,
  // 3: each stage's dependencies as run (JSON list), so a report can draw the run's
  // critical path without the config of the day.
  `
  ALTER TABLE stage_runs ADD COLUMN depends_on TEXT;
  `,
  // 4: stage rows are written as each stage reaches a final state, so their order of
  // insertion is no longer the config's: keep the stage's position in the run. Health
  // probe processes are recorded too (role 'health'), so that kill -9 recovery ends them:
  // SQLite cannot change a CHECK, so the table is rebuilt. Each stage's successful
  // durations, newest first, for the scheduling estimates that every `up` reads before its
  // first stage (without the index: a sort of every stage_runs row, ~100 ms at 200 runs of
  // 200 stages). Two per-stage indexes no query reads go: each cost a page write per stage
  // whenever a run was recorded or pruned.
  `
  ALTER TABLE stage_runs ADD COLUMN position INTEGER;
  CREATE TABLE processes_v4 (
    run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('stage','cleanup','health')),
    pgid        INTEGER NOT NULL,
    started_at  TEXT NOT NULL
  );
  INSERT INTO processes_v4 SELECT run_id, stage, role, pgid, started_at FROM processes;
  DROP TABLE processes;
  ALTER TABLE processes_v4 RENAME TO processes;
  CREATE INDEX processes_run ON processes (run_id);
  CREATE INDEX stage_runs_recent ON stage_runs (stage, finished_at) WHERE status = 'ready' AND duration_ms IS NOT NULL;
  DROP INDEX stage_runs_stage;
  DROP INDEX attempts_stage;
  `,
  // 5: stopping is not undoing. Ctrl-C, `--check` and a plain `down` stop services and
  // keep what init stages did; only the rollback of a failed run and `down --undo` run the
  // cleanups. A rollback row says which it was, so `down --undo` finds what is left to undo.
  // Rows from before were all undone. Each stage's `description`, for reports.
  `
  ALTER TABLE rollbacks ADD COLUMN action TEXT NOT NULL DEFAULT 'undone' CHECK (action IN ('stopped','undone'));
  ALTER TABLE stage_runs ADD COLUMN description TEXT;
  `,
  // 6: history that costs little per stage (issue "10,000 stages"). A task that succeeded
  // at its first attempt no longer keeps an attempts row: its stage_runs row says the same
  // (started, finished, duration, ok), so `attempts` becomes a view that gives that attempt
  // back from stage_runs, and the rows themselves live in attempt_log (first attempts of
  // services, retries, failures, and attempts still running when a supervisor was killed).
  // The scheduling estimates read a per-stage aggregate — each stage's last five successful
  // durations — updated as each stage becomes ready, instead of an index over every
  // stage_runs row: looking them up costs the same at 1 run of history as at 200, and a
  // stage row costs ~40 bytes less. Together: ~360 → ~165 bytes per silent stage per run.
  `
  ALTER TABLE attempts RENAME TO attempt_log;
  CREATE VIEW attempts AS
    SELECT run_id, stage, attempt, started_at, finished_at, duration_ms, outcome, exit_code, signal, error, backoff_ms FROM attempt_log
    UNION ALL
    SELECT s.run_id, s.stage, 1, s.started_at, s.finished_at, s.duration_ms, 'ok', 0, NULL, NULL, NULL FROM stage_runs s
    WHERE s.kind = 'task' AND s.status = 'ready' AND s.attempts = 1
      AND NOT EXISTS (SELECT 1 FROM attempt_log a WHERE a.run_id = s.run_id AND a.stage = s.stage AND a.attempt = 1);
  CREATE TABLE stage_durations (
    stage       TEXT PRIMARY KEY,
    recent_ms   TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO stage_durations (stage, recent_ms, updated_at)
    SELECT stage, group_concat(duration_ms, ',' ORDER BY n), MAX(finished_at) FROM (
      SELECT stage, duration_ms, finished_at, row_number() OVER (PARTITION BY stage ORDER BY finished_at DESC) AS n
      FROM stage_runs WHERE status = 'ready' AND duration_ms IS NOT NULL)
    WHERE n <= 5 GROUP BY stage;
  DROP INDEX stage_runs_recent;
  `,
  // 7: up-to-date tasks (`inputs:`/`creates:`). A task skipped as up to
  // date is a `ready` row with up_to_date = 1 (status keeps its CHECK: no table rebuild);
  // `why` says why a task with inputs/creates ran or was skipped. stage_fingerprints
  // holds each task's last successful run: hashes only (env and upstream outputs as
  // HMACs), the input files' size/mtime/hash, and its outputs' keys — their values
  // stay in the 0600 file <state-dir>/fresh/<stage>.outputs.json.
  `
  ALTER TABLE stage_runs ADD COLUMN up_to_date INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE stage_runs ADD COLUMN why TEXT;
  CREATE TABLE stage_fingerprints (
    stage         TEXT PRIMARY KEY,
    run_id        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    command_hash  TEXT NOT NULL,
    env_hash      TEXT NOT NULL,
    upstream_hash TEXT NOT NULL,
    inputs        TEXT NOT NULL,
    output_keys   TEXT NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
