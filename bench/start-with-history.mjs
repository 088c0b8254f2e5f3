// Does `up` start slower as history grows? Time from spawning `up` to its first
// `stage-started` event (json output) on a 1,000-stage graph, with 1 run of history and
// with 200 (the default retention). The 199 extra runs are copies of the first run's rows
// (runs, stage_runs, attempt_log) under new ids: what 200 real runs would leave, made in
// seconds instead of minutes. Goal: the same start time (ratio ~1.0).
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { BIN, ROOT, median, report, tempDir, write } from "./lib.mjs";

const N = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const Database = createRequire(path.join(ROOT, "package.json"))("better-sqlite3");

const dir = tempDir("netra-bench-history-");
let yaml = "version: 1\nsettings: { concurrency: 16, retention: { runs: 1000 } }\ndefaults: { retries: 0 }\nstages:\n";
for (let i = 0; i < N; i++) yaml += `  s${i}: { command: "true"${i >= 16 ? `, depends_on: [s${i - 16}]` : ""} }\n`;
const config = write(dir, "startup.yaml", yaml);
const state = path.join(dir, "state");

function timeToFirstStage() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first;
    const child = spawn(process.execPath, [BIN, "up", "-c", config, "--output", "json", "--state-dir", state], { stdio: ["ignore", "pipe", "ignore"] });
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (first === undefined && line.includes('"stage-started"')) first = performance.now() - t0;
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 && first !== undefined ? resolve(first) : reject(new Error(`up exited ${code}`))));
  });
}

async function sample() {
  const times = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await timeToFirstStage());
  return median(times);
}

function copyHistory(copies) {
  const db = new Database(path.join(state, "netra.db"));
  const [run] = db.prepare("SELECT id FROM runs ORDER BY started_at LIMIT 1").all();
  // Every column as it is, under a new run id: whatever columns the schema has today.
  const copyRows = (table, key) => {
    const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name);
    const select = columns.map((c) => (c === key ? "?" : c)).join(", ");
    return db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select} FROM ${table} WHERE ${key} = ?`);
  };
  const statements = [copyRows("runs", "id"), copyRows("stage_runs", "run_id"), copyRows("attempt_log", "run_id")];
  const copy = db.transaction((id) => {
    for (const statement of statements) statement.run(id, run.id);
  });
  for (let i = 0; i < copies; i++) copy(`${run.id}-copy-${i}`);
  const runs = db.prepare("SELECT COUNT(*) AS n FROM runs").get().n;
  db.close();
  return runs;
}

if (spawnSync(process.execPath, [BIN, "up", "-c", config, "--output", "plain", "--state-dir", state], { stdio: "ignore" }).status !== 0) throw new Error("first up failed");
const one = await sample();
const runs = copyHistory(199);
const many = await sample();
report(`time to the first stage of a ${N}-stage graph, by history recorded (median of ${ROUNDS})`, [
  ["history", "to first stage"],
  [`1 run (then ${ROUNDS} more)`, `${one.toFixed(0)} ms`],
  [`${runs} runs`, `${many.toFixed(0)} ms`],
  ["ratio", (many / one).toFixed(2)],
]);
