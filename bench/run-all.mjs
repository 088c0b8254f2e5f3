// `npm run bench`: every benchmark, each printing its own ratios against baselines
// measured in the same run (these machines are shared and noisy: compare ratios, not ms).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

for (const name of ["validate-10k", "chain-overhead", "makespan", "startup-shutdown", "output-memory", "live-view", "log-pattern", "scale", "disk-per-stage", "start-with-history", "up-to-date"]) {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`./${name}.mjs`, import.meta.url))], { stdio: "inherit" });
  if (result.status !== 0) process.exitCode = 1;
}
