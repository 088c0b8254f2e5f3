// `once: fleet`: wall time for N supervisors started at once (separate state dirs and
// host names, one PostgreSQL) until every one of them has exited ready, against one
// supervisor alone — with the same fleet config, and with no coordination at all — and
// against N supervisors without coordination (each migrating: what N processes cost here).
// The graph is a migration (inserts a row, then 300 ms of work) and a task after it.
// Each round has a scope of its own, so each round migrates once; the row count checks it.
// Not in `npm run bench` (it needs PostgreSQL): `npm run build && node bench/fleet.mjs`.
// SIZES=8,32 ROUNDS=3 by default.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { BIN, median, report, tempDir, write } from "./lib.mjs";

const SIZES = (process.env.SIZES ?? "8,32").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const isRoot = process.getuid?.() === 0;
let round = 0;

const dir = tempDir("netra-bench-fleet-");
chmodSync(dir, 0o755);
const pg = await startPostgres(dir);
try {
  psql("CREATE TABLE migrations (scope text NOT NULL)");
  const fleet = (scope) =>
    write(
      dir,
      `${scope}.yaml`,
      `version: 1
settings:
  coordination: { postgres: "${pg.url}", scope: ${scope} }
stages:
  migrate:
    once: fleet
    command: psql "${pg.url}" -qc "INSERT INTO migrations VALUES ('${scope}')" && sleep 0.3
  app:
    depends_on: [migrate]
    command: "true"
`,
    );
  const alone = write(dir, "alone.yaml", `version: 1\nstages:\n  migrate:\n    command: sleep 0.3\n  app:\n    depends_on: [migrate]\n    command: "true"\n`);

  const times = { "1, no coordination": [], "1, once: fleet": [] };
  for (const n of SIZES) Object.assign(times, { [`${n}, no coordination`]: [], [`${n}, once: fleet`]: [] });
  for (let r = 0; r < ROUNDS; r++) {
    times["1, no coordination"].push(await startTogether(1, () => alone));
    for (const n of [1, ...SIZES]) {
      const scope = `bench-${++round}`;
      // The same number of supervisors without coordination: what the machine's load costs.
      if (n > 1) times[`${n}, no coordination`].push(await startTogether(n, () => alone));
      times[`${n}, once: fleet`].push(await startTogether(n, () => fleet(scope)));
      const runs = psql(`SELECT count(*) FROM migrations WHERE scope = '${scope}'`);
      if (runs !== "1") throw new Error(`${n} supervisors: the migration ran ${runs} times, not once`);
    }
  }
  const base = median(times["1, no coordination"]);
  report(`once: fleet — wall time until every supervisor exited ready (median of ${ROUNDS}, ms)`, [
    ["supervisors", "ms", "× one without coordination"],
    ...Object.entries(times).map(([name, ms]) => [name, Math.round(median(ms)), (median(ms) / base).toFixed(2)]),
  ]);
} finally {
  pg.stop();
  rmSync(dir, { recursive: true, force: true });
}

// N supervisors spawned together; resolves with ms from the first spawn to the last exit.
async function startTogether(n, configFor) {
  const t0 = performance.now();
  const exits = Array.from({ length: n }, (_, i) => {
    const state = path.join(dir, `state-${round}-${n}-${i}`);
    const child = spawn(process.execPath, [BIN, "up", "-c", configFor(), "--state-dir", state, "--output", "plain"], {
      env: { ...process.env, NETRA_START_HOST: `host-${i + 1}`, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`supervisor ${i + 1} of ${n} exited ${code}: ${stderr}`)))));
  });
  await Promise.all(exits);
  return performance.now() - t0;
}

function psql(sql) {
  const result = spawnSync(path.join(pg.bin, "psql"), [pg.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

// initdb + pg_ctl on a free port, as `postgres` when run as root (as test/helpers/postgres.ts).
async function startPostgres(root) {
  const bin = spawnSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"], { encoding: "utf8" }).stdout.trim();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install postgresql");
  const data = path.join(root, "pgdata");
  const socket = path.join(root, "pgrun");
  mkdirSync(data);
  mkdirSync(socket);
  if (isRoot) spawnSync("chown", ["-R", "postgres", data, socket]);
  const asPostgres = (file, args) => {
    const result = isRoot ? spawnSync("runuser", ["-u", "postgres", "--", file, ...args], { encoding: "utf8" }) : spawnSync(file, args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${file}: ${result.stderr}`);
  };
  asPostgres(path.join(bin, "initdb"), ["-D", data, "-U", "fleet", "--auth=trust", "--no-sync"]);
  const port = await new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port: p } = server.address();
      server.close(() => resolve(p));
    });
  });
  asPostgres(path.join(bin, "pg_ctl"), ["-D", data, "-o", `-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, "-l", path.join(socket, "log"), "-w", "start"]);
  return { bin, url: `postgres://fleet@127.0.0.1:${port}/postgres`, stop: () => asPostgres(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]) };
}
