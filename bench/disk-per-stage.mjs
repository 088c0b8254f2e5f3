// What history costs on disk: three runs of 1,000 silent `true` stages, then the bytes
// the database (after a WAL checkpoint) and logs/ hold, per stage per run. Goal: < 200
// bytes for a silent stage. The first run's database is the baseline (schema, empty
// tables), so what is counted is what each further run adds.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { BIN, ROOT, report, tempDir, write } from "./lib.mjs";

const N = Number(process.env.DISK_STAGES ?? 1000);
const RUNS = 3;
const Database = createRequire(path.join(ROOT, "package.json"))("better-sqlite3");

const dir = tempDir("netra-bench-disk-");
let yaml = "version: 1\nsettings: { concurrency: 16 }\ndefaults: { retries: 0 }\nstages:\n";
for (let i = 0; i < N; i++) yaml += `  s${i}: { command: "true"${i >= 16 ? `, depends_on: [s${i - 16}]` : ""} }\n`;
const config = write(dir, "startup.yaml", yaml);
const state = path.join(dir, "state");

function bytesUnder(folder) {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    total += entry.isDirectory() ? bytesUnder(file) + statSync(file).size : statSync(file).size;
  }
  return total;
}

function measure() {
  const db = new Database(path.join(state, "netra.db"));
  db.pragma("wal_checkpoint(TRUNCATE)");
  const pages = db.pragma("page_count", { simple: true }) - db.pragma("freelist_count", { simple: true });
  const bytes = pages * db.pragma("page_size", { simple: true });
  db.close();
  return { db: bytes, logs: bytesUnder(path.join(state, "logs")) };
}

const sizes = [];
for (let run = 0; run < RUNS; run++) {
  const result = spawnSync(process.execPath, [BIN, "up", "-c", config, "--output", "plain", "--state-dir", state], { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`up exited ${result.status}`);
  sizes.push(measure());
}
const added = (key) => (sizes.at(-1)[key] - sizes[0][key]) / ((RUNS - 1) * N);
const rows = [["what", "bytes per stage per run"]];
rows.push(["database (pages in use)", added("db").toFixed(0)]);
rows.push(["logs/ (files and folders)", added("logs").toFixed(0)]);
rows.push(["total", (added("db") + added("logs")).toFixed(0)]);
report(`disk per silent stage per run: ${RUNS} runs of ${N} \`true\` stages (goal < 200 bytes)`, rows);
