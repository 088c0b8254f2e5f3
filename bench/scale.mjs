// `up` at scale, as a user waits for it: whole-process wall time of 1,000 and 10,000
// stages of `true` at -j16 (each stage after the one 16 before it), in each output mode —
// plain and json piped, tty on a pseudo-terminal (util-linux `script`, 120×40) — against
// `make -j16` on an equivalent Makefile, measured in the same run.
// Goal: plain at 10,000 stages ≤ 2× make -j16.
//
// SCALE_SIZES=1000 picks sizes; ROUNDS (default 3) for sizes under 10,000, ROUNDS_10K
// (default 1) for the larger ones.
import { spawnSync } from "node:child_process";
import { BIN, median, report, tempDir, timeCommand, write } from "./lib.mjs";

const SIZES = (process.env.SCALE_SIZES ?? "1000,10000").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROUNDS_10K = Number(process.env.ROUNDS_10K ?? 1);
const SLOTS = 16;

const dir = tempDir("netra-bench-scale-");
const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
const hasScript = spawnSync("script", ["--version"]).status === 0;
const terminalEnv = { ...process.env, TERM: "xterm-256color" };
for (const key of ["NO_COLOR", "CI", "GITHUB_ACTIONS", "FORCE_COLOR"]) delete terminalEnv[key];

function graph(n) {
  let yaml = `version: 1\nsettings: { concurrency: ${SLOTS} }\ndefaults: { retries: 0 }\nstages:\n`;
  let makefile = `all: ${Array.from({ length: n }, (_, i) => `s${i}`).join(" ")}\n.PHONY: all ${Array.from({ length: n }, (_, i) => `s${i}`).join(" ")}\n`;
  for (let i = 0; i < n; i++) {
    yaml += `  s${i}: { command: "true"${i >= SLOTS ? `, depends_on: [s${i - SLOTS}]` : ""} }\n`;
    makefile += `s${i}:${i >= SLOTS ? ` s${i - SLOTS}` : ""}\n\t@true\n`;
  }
  const sub = tempDir(`netra-bench-scale-${n}-`);
  write(sub, "Makefile", makefile);
  return { config: write(sub, "startup.yaml", yaml), makeDir: sub };
}

let states = 0;
const state = () => `${dir}/state-${states++}`;
const piped = (config, mode) => timeCommand(process.execPath, [BIN, "up", "-c", config, "--output", mode, "--state-dir", state()]);
function onTerminal(config) {
  const command = `stty cols 120 rows 40; exec ${quote(process.execPath)} ${quote(BIN)} up -c ${quote(config)} --output tty --state-dir ${quote(state())}`;
  return timeCommand("script", ["-qfec", command, "/dev/null"], { env: terminalEnv });
}

const rows = [["stages", "rounds", "make -j16", "plain", "json", "tty (pty)", "plain ÷ make", "json ÷ make", "tty ÷ make", "tty ÷ plain"]];
let plain10k;
for (const n of SIZES) {
  const { config, makeDir } = graph(n);
  const rounds = n >= 10_000 ? ROUNDS_10K : ROUNDS;
  const samples = { make: [], plain: [], json: [], tty: [] };
  for (let round = 0; round < rounds; round++) {
    samples.make.push(timeCommand("make", ["-s", "-C", makeDir, `-j${SLOTS}`]));
    samples.plain.push(piped(config, "plain"));
    samples.json.push(piped(config, "json"));
    if (hasScript) samples.tty.push(onTerminal(config));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.length ? median(v) : NaN]));
  const s = (ms) => (Number.isNaN(ms) ? "—" : `${(ms / 1000).toFixed(2)} s`);
  const r = (a, b) => (Number.isNaN(a) ? "—" : (a / b).toFixed(2));
  rows.push([n, rounds, s(m.make), s(m.plain), s(m.json), s(m.tty), r(m.plain, m.make), r(m.json, m.make), r(m.tty, m.make), r(m.tty, m.plain)]);
  if (n >= 10_000) plain10k = m.plain / m.make;
}
report("`true` × N at -j16, whole process: netra-start per output mode against make -j16", rows);
if (plain10k !== undefined) console.log(`plain at 10,000 stages: ${plain10k.toFixed(2)}× make -j16 (goal ≤ 2) — ${plain10k <= 2 ? "OK" : "OVER"}`);
if (!hasScript) console.log("tty skipped: util-linux `script` is needed for a pseudo-terminal (apt-get install bsdutils)");
