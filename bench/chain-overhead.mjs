// Per-stage cost of the supervisor: 1000 stages of `true` in a dependency chain, run by
// `netra-start up`, against the floor for any Node supervisor — a bare
// child_process.spawn loop running the same 1000 commands the same way (/bin/sh -c true,
// own process group, piped output) — and against make and execa, in the same run.
// Target: netra-start ≤ 1.3 × the bare spawn loop per command. netra-start is timed with
// both of its ways of starting a process: the native posix_spawn spawner (the default
// where it is built) and child_process.spawn (NETRA_SPAWN=child_process, the fallback).
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

const samples = { spawn: [], execaTuned: [], execaDefault: [], make: [], netra: [], netraSingle: [], netraFallback: [], netraFallbackSingle: [] };
const fallbackEnv = { ...process.env, NETRA_SPAWN: "child_process" };
const up = (file, stateDir, env = process.env) => timeCommand(process.execPath, [BIN, "up", "-c", file, "--output", "json", "--state-dir", `${dir}/${stateDir}`], { env });
for (let round = 0; round < ROUNDS; round++) {
  samples.spawn.push(await loop(spawnOnce));
  samples.execaTuned.push(await loop(execaTuned));
  samples.execaDefault.push(await loop(execaDefault));
  samples.make.push(timeCommand("make", ["-s", "-C", dir, "-j1"]));
  samples.netra.push(up(config, `state-${round}`));
  samples.netraSingle.push(up(single, `single-${round}`));
  samples.netraFallback.push(up(config, `fallback-${round}`, fallbackEnv));
  samples.netraFallbackSingle.push(up(single, `fallback-single-${round}`, fallbackEnv));
}

const floor = median(samples.spawn);
const rows = [["runner", "total (median)", "per command", "× spawn floor"]];
for (const [name, label] of [["spawn", "bare spawn loop (floor)"], ["execaTuned", "execa, tuned options"], ["execaDefault", "execa, defaults"], ["make", "make -j1"], ["netra", "netra-start up (whole CLI)"], ["netraFallback", "… with NETRA_SPAWN=child_process"]]) {
  const total = median(samples[name]);
  rows.push([label, `${total.toFixed(0)} ms`, `${(total / N).toFixed(2)} ms`, (total / floor).toFixed(2)]);
}
report(`chain of ${N} × \`true\` (${ROUNDS} rounds)`, rows);
// Per stage with the CLI's start-up taken out: (chain − one-stage run) / 999.
const perStage = (chain, one) => (median(samples[chain]) - median(samples[one])) / (N - 1);
const floorPerCommand = floor / N;
console.log(`CLI fixed cost (1-stage up): ${median(samples.netraSingle).toFixed(0)} ms`);
for (const [label, chain, one, target] of [["native spawner", "netra", "netraSingle", true], ["child_process fallback", "netraFallback", "netraFallbackSingle", false]]) {
  const ms = perStage(chain, one);
  const verdict = target ? ` (target ≤ 1.30) — ${ms / floorPerCommand <= 1.3 ? "OK" : "OVER BUDGET"}` : "";
  console.log(`per stage, start-up excluded, ${label}: ${ms.toFixed(2)} ms = ${(ms / floorPerCommand).toFixed(2)} × the bare spawn floor${verdict}`);
}
console.log(`whole CLI, start-up included: ${(median(samples.netra) / floor).toFixed(2)} × the bare spawn floor`);
