// What `up` costs outside its stages: from exec to the first stage started, and from the
// last stage ready to process exit, on the makespan benchmark's 200-stage graph (-j8) and
// on a 1-stage graph, each with a fresh state dir and with one holding earlier runs.
// Baselines from the same run: `netra-start --version` and a bare `node -e 0`.
// Targets: exec → first stage ≤ `--version` + 60 ms; last stage ready → exit ≤ 50 ms.
// BINS=/a/bin/netra-start.js,/b/bin/netra-start.js compares builds, each measurement
// run for every build back to back (this machine's load changes by the minute).
//
// Events (`--output json`) carry ISO `at` stamps (ms, wall clock); this process notes
// when it spawns the CLI and when the CLI exits with performance.now(), mapped to the
// wall clock once per run, so the two can be compared.
import { spawn } from "node:child_process";
import { BIN, median, report, tempDir, write } from "./lib.mjs";
import { randomDag } from "./random-dag.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** Earlier runs in the "with history" state dirs (the 200-stage graph's are seeded by a twin whose stages run `true`). */
const HISTORY = Number(process.env.HISTORY ?? 50);
const SLOTS = 8;
const BINS = (process.env.BINS ?? BIN).split(",");

const dir = tempDir("netra-bench-startup-");
const dag = randomDag({ n: 200, slots: SLOTS });
const graphs = {
  "200 stages": { config: write(dir, "dag.yaml", dag.yaml), twin: write(dir, "dag-twin.yaml", dag.yaml.replace(/command: sleep [\d.]+/g, 'command: "true"')) },
  "1 stage": { config: write(dir, "one.yaml", 'version: 1\nstages:\n  s0:\n    command: "true"\n') },
};

// Wall-clock ms at performance.now() = 0, to well under a millisecond: Date.now() only
// has whole ms, so wait for it to tick and take the offset at the edge.
function wallOffset() {
  const start = Date.now();
  let now;
  while ((now = Date.now()) === start);
  return now - performance.now();
}

// Runs a command; spawn and exit times on the wall clock, and its stdout.
function run(args) {
  return new Promise((resolve, reject) => {
    const offset = wallOffset();
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let exitedAt;
    let code;
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", reject);
    child.on("exit", (c) => {
      exitedAt = performance.now();
      code = c;
    });
    child.on("close", () => {
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited ${code}: ${Buffer.concat(stderr)}`));
      resolve({ spawned: spawnedAt + offset, exited: exitedAt + offset, wallMs: exitedAt - spawnedAt, stdout: Buffer.concat(stdout).toString("utf8") });
    });
  });
}

async function up(bin, config, stateDir) {
  const result = await run([bin, "up", "-c", config, "-j", String(SLOTS), "--output", "json", "--state-dir", stateDir]);
  let firstStarted = Infinity;
  let lastReady = -Infinity;
  for (const line of result.stdout.split("\n")) {
    if (!line) continue;
    const event = JSON.parse(line);
    if (event.type === "stage-started" || event.type === "process-started") firstStarted = Math.min(firstStarted, Date.parse(event.at));
    if (event.type === "stage-ready") lastReady = Math.max(lastReady, Date.parse(event.at));
  }
  if (!Number.isFinite(firstStarted) || !Number.isFinite(lastReady)) throw new Error(`no stage-started/stage-ready events from ${config}`);
  return { toFirst: firstStarted - result.spawned, afterLast: result.exited - lastReady, wall: result.wallMs };
}

const slug = (name) => name.replace(/ /g, "-");
const builds = BINS.map((bin, b) => {
  const scenarios = [];
  for (const name of Object.keys(graphs)) for (const history of [false, true]) scenarios.push({ name, history, toFirst: [], afterLast: [], wall: [] });
  return { bin, label: BINS.length > 1 ? `build ${b + 1}: ${bin}` : bin, version: [], scenarios, history: Object.fromEntries(Object.keys(graphs).map((name) => [name, `${dir}/history-${b}-${slug(name)}`])) };
});
for (const build of builds)
  for (const [name, graph] of Object.entries(graphs)) for (let i = 0; i < HISTORY; i++) await up(build.bin, graph.twin ?? graph.config, build.history[name]);

// Each measurement runs for every build back to back, so that a build never gets a
// quieter minute than another.
const node = [];
for (let round = 0; round < ROUNDS; round++) {
  node.push((await run(["-e", "0"])).wallMs);
  for (const build of builds) build.version.push((await run([build.bin, "--version"])).wallMs);
  for (let i = 0; i < builds[0].scenarios.length; i++)
    for (const build of builds) {
      const s = build.scenarios[i];
      const stateDir = s.history ? build.history[s.name] : `${dir}/fresh-${builds.indexOf(build)}-${slug(s.name)}-${round}`;
      const r = await up(build.bin, graphs[s.name].config, stateDir);
      s.toFirst.push(r.toFirst);
      s.afterLast.push(r.afterLast);
      s.wall.push(r.wall);
    }
}

const ms = (v) => `${v.toFixed(0)} ms`;
for (const build of builds) {
  const version = median(build.version);
  const limitFirst = version + 60;
  const rows = [["graph", "state dir", "(a) exec → first stage", "(b) last ready → exit", "whole CLI"]];
  for (const s of build.scenarios) rows.push([s.name, s.history ? `${HISTORY}+ earlier runs` : "fresh", ms(median(s.toFirst)), ms(median(s.afterLast)), ms(median(s.wall))]);
  rows.push(["(c) netra-start --version", "", ms(version), "", ""]);
  rows.push(["(d) node -e 0", "", ms(median(node)), "", ""]);
  report(`start-up and shut-down of \`up --output json -j${SLOTS}\`, medians of ${ROUNDS} runs — ${build.label}`, rows);
  for (const s of build.scenarios) {
    const a = median(s.toFirst);
    const b = median(s.afterLast);
    console.log(
      `${s.name}, ${s.history ? "with history" : "fresh"}: (a) ${ms(a)} (target ≤ --version + 60 = ${ms(limitFirst)}) — ${a <= limitFirst ? "OK" : "OVER"}; (b) ${ms(b)} (target ≤ 50 ms) — ${b <= 50 ? "OK" : "OVER"}`,
    );
  }
}
