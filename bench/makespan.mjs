// Does the scheduler keep every slot busy? A seeded random DAG of 200 stages sleeping
// 10–480 ms, run with -j8 by netra-start and by `make -j8` (an equivalent Makefile),
// against the lower bound max(critical path, total work / 8).
// Targets: netra-start within 5 % of the bound, and at least 5 % faster than make.
// netra-start runs twice: the second run has the first one's durations as estimates
// when the report database provides them (equal weights otherwise).
import { BIN, median, report, tempDir, timeCommand, write } from "./lib.mjs";
import { randomDag } from "./random-dag.mjs";

const N = 200;
const SLOTS = 8;
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const { criticalPath, work, bound, yaml, makefile } = randomDag({ n: N, slots: SLOTS });

const dir = tempDir("netra-bench-makespan-");
const config = write(dir, "startup.yaml", yaml);
write(dir, "Makefile", makefile);

const samples = { make: [], netra: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.make.push(timeCommand("make", ["-s", "-C", dir, `-j${SLOTS}`]));
  samples.netra.push(timeCommand(process.execPath, [BIN, "up", "-c", config, "-j", String(SLOTS), "--output", "json", "--state-dir", `${dir}/state`]));
}
const rows = [["runner", "makespan (median)", "× lower bound"]];
rows.push(["lower bound max(CP, work/8)", `${bound.toFixed(0)} ms`, "1.00"]);
for (const [name, label] of [["make", `make -j${SLOTS}`], ["netra", `netra-start up -j${SLOTS} (whole CLI)`]]) rows.push([label, `${median(samples[name]).toFixed(0)} ms`, (median(samples[name]) / bound).toFixed(3)]);
report(`random DAG, ${N} stages of 10–480 ms sleeps, critical path ${criticalPath} ms, work ${work} ms`, rows);
const vsBound = median(samples.netra) / bound;
const vsMake = median(samples.netra) / median(samples.make);
console.log(`netra-start: ${((vsBound - 1) * 100).toFixed(1)} % above the bound (target ≤ 5 %) — ${vsBound <= 1.05 ? "OK" : "OVER"}; ${((1 - vsMake) * 100).toFixed(1)} % faster than make (target ≥ 5 %) — ${vsMake <= 0.95 ? "OK" : "SHORT"}`);
