// A second `up` when every stage is up to date: the 200-stage benchmark graph (its shape
// from random-dag.mjs), each stage reading its own input file and creating its own output
// file, against `make -j8`'s no-op on the same graph with the same file targets — both
// whole processes, measured in the same run. Target: netra-start within 2× of make.
// Two floors are measured beside them: an empty Node process, and `validate` of the same
// config (what any command that reads it costs), so that the figure says how much of the
// gap is the up-to-date check itself.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { BIN, median, report, tempDir, timeCommand, write } from "./lib.mjs";
import { randomDag } from "./random-dag.mjs";

const N = 200;
const SLOTS = 8;
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const { stages } = randomDag({ n: N, slots: SLOTS });

const dir = tempDir("netra-bench-up-to-date-");
mkdirSync(path.join(dir, "in"));
mkdirSync(path.join(dir, "out"));
let yaml = `version: 1\nsettings: { concurrency: ${SLOTS} }\ndefaults: { retries: 0 }\nstages:\n`;
let makefile = `all: ${stages.map((_, i) => `out/s${i}`).join(" ")}\n`;
stages.forEach((s, i) => {
  write(dir, `in/s${i}.txt`, `input of s${i}\n`);
  const deps = s.deps.map((d) => `s${d}`);
  yaml += `  s${i}:\n    command: cp in/s${i}.txt out/s${i}\n    inputs: [in/s${i}.txt]\n    creates: [out/s${i}]\n${deps.length ? `    depends_on: [${deps.join(", ")}]\n` : ""}`;
  makefile += `out/s${i}: in/s${i}.txt${deps.map((d) => ` out/${d}`).join("")}\n\t@cp in/s${i}.txt out/s${i}\n`;
});
const config = write(dir, "startup.yaml", yaml);
write(dir, "Makefile", makefile);

const netra = [BIN, "up", "-c", config, "-j", String(SLOTS), "--output", "plain", "--state-dir", path.join(dir, "state")];
// The first runs build everything; what is measured is the runs after, with nothing to do.
timeCommand("make", ["-s", "-C", dir, `-j${SLOTS}`]);
timeCommand(process.execPath, netra);
const samples = { make: [], node: [], validate: [], netra: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.make.push(timeCommand("make", ["-s", "-C", dir, `-j${SLOTS}`]));
  samples.node.push(timeCommand(process.execPath, ["-e", "0"]));
  samples.validate.push(timeCommand(process.execPath, [BIN, "validate", "-c", config]));
  samples.netra.push(timeCommand(process.execPath, netra));
}
const times = (name) => `${median(samples[name]).toFixed(1)} ms`;
const ofMake = (name) => (median(samples[name]) / median(samples.make)).toFixed(2);
const ratio = median(samples.netra) / median(samples.make);
report(`second run, every one of ${N} stages up to date (median of ${ROUNDS}, whole process)`, [
  ["runner", "wall time (median)", "× make"],
  [`make -j${SLOTS} (nothing to be done)`, times("make"), "1.00"],
  ["node -e 0 (floor: an empty Node process)", times("node"), ofMake("node")],
  ["netra-start validate (floor: reading the config)", times("validate"), ofMake("validate")],
  [`netra-start up -j${SLOTS} (all up to date)`, times("netra"), ratio.toFixed(2)],
]);
const overValidate = median(samples.netra) / median(samples.validate);
console.log(`netra-start: ${ratio.toFixed(2)}× make's no-op (target ≤ 2×) — ${ratio <= 2 ? "OK" : "OVER"}; ${overValidate.toFixed(2)}× its own validate of the same config`);
