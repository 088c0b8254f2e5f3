import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    // Integration tests spawn real processes: give them room on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    // The whole suite runs once per way of starting a stage's process: the native
    // posix_spawn addon (the default on Linux) and the child_process fallback. Both must
    // behave the same (docs/running.md); test/helpers/cli.ts passes NETRA_SPAWN on to the
    // CLI. `vitest run --project posix_spawn` runs one pass.
    projects: [
      { extends: true, test: { name: "posix_spawn", include: ["test/**/*.test.ts"], env: { NETRA_SPAWN: "" } } },
      { extends: true, test: { name: "child_process", include: ["test/**/*.test.ts"], env: { NETRA_SPAWN: "child_process" } } },
    ],
  },
});
