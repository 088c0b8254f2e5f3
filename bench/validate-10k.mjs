// `validate` + `plan` on a generated 10 000-stage graph (random DAG, a few fields each).
// Target: under 1 s on this machine. Reports the wall time of each command, and the
// `--version` start-up time against a bare `node -e ""` measured in the same run.
import { BIN, median, report, tempDir, timeCommand, write } from "./lib.mjs";

const N = Number(process.env.STAGES ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const dir = tempDir("netra-bench-10k-");

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
let yaml = "version: 1\nname: ten-thousand\nsettings: { concurrency: 16 }\ndefaults: { timeout: 30s, retries: 2 }\nstages:\n";
for (let i = 0; i < N; i++) {
  const deps = new Set();
  for (let k = 0; k < 3 && i > 0; k++) if (random() < 0.6) deps.add(`stage-${Math.floor(random() * i)}`);
  yaml += `  stage-${i}:\n    description: Generated stage number ${i}\n    command: echo ${i}\n`;
  if (deps.size > 0) yaml += `    depends_on: [${[...deps].join(", ")}]\n`;
  if (i % 10 === 0) yaml += `    priority: low\n    env: { INDEX: "${i}" }\n`;
}
const config = write(dir, "startup.yaml", yaml);

const samples = { node: [], version: [], help: [], validate: [], plan: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.node.push(timeCommand(process.execPath, ["-e", ""]));
  samples.version.push(timeCommand(process.execPath, [BIN, "--version"]));
  samples.help.push(timeCommand(process.execPath, [BIN, "up", "--help"]));
  samples.validate.push(timeCommand(process.execPath, [BIN, "validate", "-c", config]));
  samples.plan.push(timeCommand(process.execPath, [BIN, "plan", "-c", config, "--format", "json"]));
}
const base = median(samples.node);
const rows = [["command", "wall time (median)", "× bare node start"]];
for (const [name, label] of [["node", "node -e '' (baseline)"], ["version", "netra-start --version"], ["help", "netra-start up --help"], ["validate", `validate, ${N} stages`], ["plan", `plan --format json, ${N} stages`]])
  rows.push([label, `${median(samples[name]).toFixed(0)} ms`, (median(samples[name]) / base).toFixed(2)]);
report(`start-up and ${N}-stage validate/plan (${ROUNDS} rounds, ${(yaml.length / 1e6).toFixed(1)} MB of YAML)`, rows);
const worst = Math.max(median(samples.validate), median(samples.plan));
console.log(`${N}-stage validate/plan: ${worst.toFixed(0)} ms (target < 1000 ms) — ${worst < 1000 ? "OK" : "OVER BUDGET"}`);
