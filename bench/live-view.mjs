// What the live view costs: `netra-start up` on a pseudo-terminal (util-linux `script`,
// fixed at 120×40) with `--output tty` against the same run with `--output plain` on the
// same terminal, for 200, 1,000 and 10,000 stages of `true` at -j16 (each stage after the
// one 16 before it, so the scheduler has a graph to walk). Whole-process wall time, tty
// and plain alternating within each round. Target: tty ≤ 1.10 × plain at every size.
//
// LIVE_SIZES=200,1000 picks sizes; ROUNDS (default 3) applies to sizes under 10,000,
// ROUNDS_10K (default 1) to the larger ones: a 10,000-stage run takes a minute or more.
import { spawnSync } from "node:child_process";
import { BIN, median, report, tempDir, timeCommand, write } from "./lib.mjs";

const SIZES = (process.env.LIVE_SIZES ?? "200,1000,10000").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROUNDS_10K = Number(process.env.ROUNDS_10K ?? 1);
const TARGET = 1.1;

if (spawnSync("script", ["--version"]).status !== 0) {
  console.log("\n## live view: skipped (util-linux `script` is needed for a pseudo-terminal: apt-get install bsdutils)");
  process.exit(0);
}

const dir = tempDir("netra-bench-live-");
const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
// The environment a person's terminal has: colours on, nothing from CI.
const env = { ...process.env, TERM: "xterm-256color" };
for (const key of ["NO_COLOR", "CI", "GITHUB_ACTIONS", "FORCE_COLOR"]) delete env[key];

function graph(n) {
  let yaml = "version: 1\nsettings: { concurrency: 16 }\ndefaults: { retries: 0 }\nstages:\n";
  for (let i = 0; i < n; i++) yaml += `  s${i}: { command: "true"${i >= 16 ? `, depends_on: [s${i - 16}]` : ""} }\n`;
  return write(dir, `graph-${n}.yaml`, yaml);
}

let runs = 0;
function onTerminal(file, mode) {
  const command = `stty cols 120 rows 40; exec ${quote(process.execPath)} ${quote(BIN)} up -c ${quote(file)} --output ${mode} --state-dir ${quote(`${dir}/state-${runs++}`)}`;
  return timeCommand("script", ["-qfec", command, "/dev/null"], { env });
}

const rows = [["stages", "rounds", "plain (median)", "tty (median)", "tty ÷ plain", `target ≤ ${TARGET.toFixed(2)}`]];
let over = false;
for (const n of SIZES) {
  const file = graph(n);
  const rounds = n >= 10_000 ? ROUNDS_10K : ROUNDS;
  const samples = { plain: [], tty: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first: a machine that gets busier favours neither.
    const order = round % 2 === 0 ? ["tty", "plain"] : ["plain", "tty"];
    for (const mode of order) samples[mode].push(onTerminal(file, mode));
  }
  const plain = median(samples.plain);
  const tty = median(samples.tty);
  const ratio = tty / plain;
  if (ratio > TARGET) over = true;
  rows.push([n, rounds, `${(plain / 1000).toFixed(2)} s`, `${(tty / 1000).toFixed(2)} s`, ratio.toFixed(2), ratio <= TARGET ? "OK" : "OVER"]);
}
report("live view on a pseudo-terminal (120×40), `true` × N at -j16: tty vs plain, whole process", rows);
if (over) console.log("tty ÷ plain is over the 1.10 target at some size (a noisy machine can do that: run it again before believing it)");
