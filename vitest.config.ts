import { defineConfig } from "vitest/config";

// test/package/install.test.ts installs the packed package into fresh projects: minutes of
// npm, node-gyp and tsc. It runs after everything else, alone, so that it neither slows
// the timing-sensitive tests (health probes, timeouts) nor is slowed by them.
const INSTALL_TESTS = "test/package/install.test.ts";
const SPAWNING_TESTS = ["test/engine/**/*.test.ts", "test/store/**/*.test.ts", "test/examples/**/*.test.ts", "test/doctor/**/*.test.ts"];

export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    // Integration tests spawn real processes: give them room on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    // The integration tests that start stages run once per way of starting a process: the
    // native posix_spawn addon (the default on Linux) and the child_process fallback. Both
    // must behave the same (docs/running.md); test/helpers/cli.ts passes NETRA_SPAWN on to
    // the CLI. Tests that start no stage (config, graph, redaction, reports) run once.
    // `vitest run --project posix_spawn` runs one pass.
    projects: [
      { extends: true, test: { name: "posix_spawn", include: ["test/**/*.test.ts"], exclude: [INSTALL_TESTS], env: { NETRA_SPAWN: "" }, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "child_process", include: SPAWNING_TESTS, env: { NETRA_SPAWN: "child_process" }, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "install", include: [INSTALL_TESTS], sequence: { groupOrder: 1 } } },
    ],
  },
});
