import { defineConfig } from "vitest/config";

// test/package/install.test.ts installs the packed package into fresh projects: minutes of
// npm, node-gyp and tsc. It runs after everything else, alone, so that it neither slows
// the timing-sensitive tests (health probes, timeouts) nor is slowed by them.
const INSTALL_TESTS = "test/package/install.test.ts";

export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    // Integration tests spawn real processes: give them room on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "main", include: ["test/**/*.test.ts"], exclude: [INSTALL_TESTS], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "install", include: [INSTALL_TESTS], sequence: { groupOrder: 1 } } },
    ],
  },
});
