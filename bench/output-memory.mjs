// A stage printing 200 MB must not make the supervisor hold it: peak RSS of
// `netra-start up` with such a stage, against the same CLI running a silent stage.
// Target: peak RSS under 200 MB.
import { BIN, peakRss, report, tempDir, write } from "./lib.mjs";

const MB = Number(process.env.OUTPUT_MB ?? 200);
const dir = tempDir("netra-bench-output-");
const loud = write(dir, "loud.yaml", `version: 1\nstages:\n  loud:\n    command: yes "a line of stage output, repeated to fill the log with real text" | head -c ${MB * 1024 * 1024}\n    timeout: 5m\n`);
const quiet = write(dir, "quiet.yaml", "version: 1\nstages:\n  quiet:\n    command: \"true\"\n");

const silent = await peakRss(process.execPath, [BIN, "up", "-c", quiet, "--output", "plain", "--state-dir", `${dir}/q`]);
const t0 = performance.now();
const noisy = await peakRss(process.execPath, [BIN, "up", "-c", loud, "--output", "plain", "--state-dir", `${dir}/l`]);
const seconds = (performance.now() - t0) / 1000;
report(`a stage printing ${MB} MB`, [
  ["run", "peak RSS", "exit"],
  ["silent stage (baseline)", `${silent.peakMb.toFixed(0)} MB`, silent.code],
  [`${MB} MB of output`, `${noisy.peakMb.toFixed(0)} MB`, noisy.code],
]);
console.log(`streamed ${MB} MB in ${seconds.toFixed(1)} s; peak RSS ${noisy.peakMb.toFixed(0)} MB (target < 200 MB) — ${noisy.peakMb < 200 ? "OK" : "OVER"}`);
