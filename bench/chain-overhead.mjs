// Per-stage cost of the supervisor: 1000 stages of `true` in a dependency chain, run by
// `netra-start up`, against the floor for any Node supervisor — a bare
// child_process.spawn loop running the same 1000 commands the same way (/bin/sh -c true,
// own process group, piped output) — and against make and execa, in the same run.
// Target: netra-start ≤ 1.3 × the bare spawn loop per command.
import { spawn } from "node:child_process";
import { execa } from "execa";
import { BIN, median, report, tempDir, timeCommand, write } from "./lib.mjs";

const N = Number(process.env.CHAIN_STAGES ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const dir = tempDir("netra-bench-chain-");

let yaml = "version: 1\nsettings: { concurrency: 8 }\ndefaults: { retries: 0 }\nstages:\n";
for (let i = 0; i < N; i++) yaml += `  s${i}:\n    command: "true"\n${i > 0 ? `    depends_on: [s${i - 1}]\n` : ""}`;
const config = write(dir, "startup.yaml", yaml);
// One stage: the CLI's fixed cost (Node start, modules, config load), to separate it
// from the per-stage cost.
const single = write(dir, "single.yaml", "version: 1\nstages:\n  s0:\n    command: \"true\"\n");

let makefile = `all: s${N - 1}\n`;
for (let i = 0; i < N; i++) makefile += `s${i}:${i > 0 ? ` s${i - 1}` : ""}\n\t@/bin/sh -c true\n.PHONY: s${i}\n`;
write(dir, "Makefile", makefile);

function spawnOnce() {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", "true"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("close", resolve);
  });
}

async function loop(once) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await once();
  return performance.now() - t0;
}

const execaTuned = () => execa("/bin/sh", ["-c", "true"], { buffer: false, stdin: "ignore", cleanup: false, reject: false, detached: true });
const execaDefault = () => execa("/bin/sh", ["-c", "true"]);

const samples = { spawn: [], execaTuned: [], execaDefault: [], make: [], netra: [], netraSingle: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.spawn.push(await loop(spawnOnce));
  samples.execaTuned.push(await loop(execaTuned));
  samples.execaDefault.push(await loop(execaDefault));
  samples.make.push(timeCommand("make", ["-s", "-C", dir, "-j1"]));
  samples.netra.push(timeCommand(process.execPath, [BIN, "up", "-c", config, "--output", "json", "--state-dir", `${dir}/state-${round}`]));
  samples.netraSingle.push(timeCommand(process.execPath, [BIN, "up", "-c", single, "--output", "json", "--state-dir", `${dir}/single-${round}`]));
}

const floor = median(samples.spawn);
const rows = [["runner", "total (median)", "per command", "× spawn floor"]];
for (const [name, label] of [["spawn", "bare spawn loop (floor)"], ["execaTuned", "execa, tuned options"], ["execaDefault", "execa, defaults"], ["make", "make -j1"], ["netra", "netra-start up (whole CLI)"]]) {
  const total = median(samples[name]);
  rows.push([label, `${total.toFixed(0)} ms`, `${(total / N).toFixed(2)} ms`, (total / floor).toFixed(2)]);
}
report(`chain of ${N} × \`true\` (${ROUNDS} rounds)`, rows);
const ratio = median(samples.netra) / floor;
const perStage = (median(samples.netra) - median(samples.netraSingle)) / (N - 1);
const marginal = perStage / (floor / N);
console.log(`CLI fixed cost (1-stage up): ${median(samples.netraSingle).toFixed(0)} ms`);
console.log(`per stage, start-up excluded: ${perStage.toFixed(2)} ms = ${marginal.toFixed(2)} × the bare spawn floor (target ≤ 1.30) — ${marginal <= 1.3 ? "OK" : "OVER BUDGET"}`);
console.log(`whole CLI, start-up included: ${ratio.toFixed(2)} × the bare spawn floor`);
