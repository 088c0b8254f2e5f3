// A stage that deletes the logs folder mid-run (a cleanup step run too early, `rm -rf
// .netra/logs`): the outputs a later stage writes still reach its dependents, and the
// logs — even the one open while its folder went — are still there after the run.
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb, stageLogOf } from "../helpers/db.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-logs-gone-");
});
afterEach(() => project.cleanup());

// The wipe waits until its first line is in its log: the log is created by that first
// line (a silent stage has none), and an rm racing that creation would fail on a folder
// that is "not empty".
it("outputs written after the logs dir was deleted reach the dependent; the logs are back", async () => {
  const state = path.join(project.dir, ".netra");
  const file = project.write(
    "startup.yaml",
    `version: 1
stages:
  wipe: { command: "echo before-wipe; until grep -qs before-wipe .netra/logs/*/wipe.log; do sleep 0.01; done; rm -rf .netra/logs; echo after-wipe" }
  producer: { depends_on: [wipe], command: "echo URL=http://db:5432 >> \\"$NETRA_OUTPUT\\"; echo produced" }
  consumer: { depends_on: [producer], command: "echo got $NETRA_PRODUCER_URL; test \\"$NETRA_PRODUCER_URL\\" = http://db:5432" }
`,
  );
  const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual([
    { stage: "wipe", status: "ready" },
    { stage: "producer", status: "ready" },
    { stage: "consumer", status: "ready" },
  ]);
  expect(stageLogOf(state, "wipe")).toMatch(/before-wipe\nafter-wipe/);
  expect(stageLogOf(state, "producer")).toContain("produced");
  expect(stageLogOf(state, "consumer")).toContain("got http://db:5432");
});
