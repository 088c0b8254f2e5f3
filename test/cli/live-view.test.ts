// `--output tty`: the live view, seen on a real pseudo-terminal.
import { afterEach, beforeEach, expect, it } from "vitest";
import { tempProject, type TempProject } from "../helpers/cli.js";
import { processesMatching, waitFor } from "../helpers/processes.js";
import { runOnTerminal } from "../helpers/terminal.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-tty-");
});
afterEach(() => project.cleanup());

const up = (config: string, columns = 100) => {
  project.write("startup.yaml", config);
  return runOnTerminal(["up", "-c", "startup.yaml", "--output", "tty", "--state-dir", "state"], { cwd: project.dir, columns });
};
const stageLine = (name: string) => new RegExp(`^\\S ${name}(\\s|$)`);

it("shows a stage once it starts, counts the ones still waiting, and ends with ✔ lines and the summary", async () => {
  const run = await up(`version: 1
stages:
  first: { command: "sleep 0.6" }
  second: { command: "sleep 0.2", depends_on: [first] }
  third: { command: "sleep 0.2", depends_on: [second] }
  fourth: { command: "sleep 0.2", depends_on: [third] }
`);
  expect(run.code).toBe(0);
  const firstRunning = run.frames.find((frame) => frame.some((l) => stageLine("first").test(l)) && frame.some((l) => l.includes("3 waiting: second, third, fourth")));
  expect(firstRunning, run.frames.map((f) => f.join("\n")).join("\n---\n")).toBeDefined();
  // While they wait, no line of their own (a 500-stage graph must not fill the screen).
  expect(firstRunning?.some((l) => /^\S (second|third|fourth)\b/.test(l))).toBe(false);
  for (const name of ["first", "second", "third", "fourth"]) expect(run.screen).toContainEqual(expect.stringMatching(new RegExp(`^✔ ${name} \\d+ms$`)));
  expect(run.screen.some((l) => l.includes("waiting"))).toBe(false);
  expect(run.screen).toContainEqual(expect.stringMatching(/^ready in [\d.]+m?s \(exit 0\)/));
  expect(run.screen).toContainEqual(expect.stringMatching(/^STAGE\s+STATUS\s+PRIORITY\s+ATTEMPTS\s+DURATION\s+ERROR$/));
});

it("counts down to a retry, and shows a failure with its output tail", async () => {
  const run = await up(`version: 1
stages:
  flaky:
    command: test -f marker || { touch marker; echo "first try fails"; exit 1; }
    retries: 1
    backoff: { initial: 800ms, jitter: false }
  broken:
    command: echo "no database at 127.0.0.1:5999" >&2; exit 4
    depends_on: [flaky]
    retries: 0
`);
  expect(run.code).toBe(1);
  expect(run.frames.some((frame) => frame.some((l) => /retrying in \d+ms \(attempt 2\/2\)/.test(l)))).toBe(true);
  expect(run.screen).toContainEqual(expect.stringMatching(/^✔ flaky \d+(ms|\.\d+s), 2 attempts$/));
  expect(run.screen).toContainEqual(expect.stringMatching(/^✖ broken after 1 attempt$/));
  expect(run.screen.join("\n")).toContain("│ no database at 127.0.0.1:5999");
});

it("stays readable on a terminal that reports no width", async () => {
  const run = await up(`version: 1\nstages:\n  only-one: { command: "sleep 0.3" }\n`, 0);
  expect(run.code).toBe(0);
  expect(run.screen).toContainEqual(expect.stringMatching(/^✔ only-one \d+ms$/));
});

// The crash that opened "One run state…": a service that prints after it is ready took
// the live view down (listr2: "Cannot read properties of undefined (reading 'write')"),
// exit 1 with a stack trace, and left the service running.
it("a service that prints before, during and after readiness, beside a retrying task; Ctrl-C ends it with 130 and nothing left", async () => {
  const marker = `chatty-${process.pid}-${Date.now()}`;
  project.write("chatty.sh", `i=0; while :; do i=$((i+1)); echo "${marker} line $i"; sleep 0.01; done\n`);
  project.write(
    "startup.yaml",
    `version: 1
stages:
  chatty:
    kind: service
    command: sh chatty.sh
    health: { log: "line 30$", interval: 50ms, retries: 400 }
  flaky:
    command: test -f marker || { touch marker; echo "not yet"; exit 1; }
    retries: 2
    backoff: { initial: 400ms, jitter: false }
  after:
    depends_on: [chatty, flaky]
    command: "true"
`,
  );
  let signalled = false;
  const run = await runOnTerminal(["up", "-c", "startup.yaml", "--output", "tty", "--state-dir", "state"], {
    cwd: project.dir,
    columns: 100,
    onOutput: (raw, pid) => {
      // Interrupt only once the service has gone on printing well after "all ready".
      const afterReady = raw.split("press Ctrl-C to stop")[1] ?? "";
      if (!signalled && pid && /line \d+/.test(afterReady) && (afterReady.match(/line \d+/g) ?? []).length >= 50) {
        signalled = true;
        process.kill(pid, "SIGINT");
      }
    },
  });
  const screen = run.screen.join("\n");
  expect(signalled, screen).toBe(true);
  expect(run.code, screen).toBe(130);
  expect(screen).not.toMatch(/TypeError|at .*\(file:/);
  expect(screen).toMatch(/retrying in \d+ms \(attempt 2\/3\)|✔ flaky \d+(ms|\.\d+s), 2 attempts/);
  expect(screen).toMatch(/chatty │ chatty-\d+-\d+ line \d+/);
  expect(screen).toMatch(/^interrupted in [\d.]+m?s \(exit 130\)/m);
  await waitFor(() => processesMatching(marker).length === 0, 3000).catch(() => undefined);
  expect(processesMatching(marker)).toEqual([]);
});

it("200 stages, 8 at a time, on a terminal: all ready, the summary lists every stage", async () => {
  const stages = Array.from({ length: 200 }, (_, i) => `  s${i}: { command: "sleep 0.0${i % 5}"${i >= 8 ? `, depends_on: [s${i - 8}]` : ""} }`).join("\n");
  const run = await up(`version: 1\nsettings: { concurrency: 8 }\nstages:\n${stages}\n`);
  expect(run.code, run.screen.join("\n")).toBe(0);
  // A frame never shows more than the 8 running stages as running.
  const running = (frame: string[]) => frame.filter((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏❯◼] s\d+/.test(l)).length;
  expect(Math.max(...run.frames.map(running))).toBeLessThanOrEqual(8);
  expect(run.screen.filter((l) => /^s\d+\s+✔ ready/.test(l))).toHaveLength(200);
});

// The live view costs O(what is on screen) per frame, so the event loop stays free at any
// size: Ctrl-C in the middle of 1,000 stages is honoured at once (listr2 never let the
// signal handler run at this size).
it("1,000 stages on a terminal: Ctrl-C once some have finished ends the run with 130 within a second", async () => {
  const stages = Array.from({ length: 1000 }, (_, i) => `  s${i}: { command: "sleep 0.02"${i >= 8 ? `, depends_on: [s${i - 8}]` : ""} }`).join("\n");
  project.write("startup.yaml", `version: 1\nsettings: { concurrency: 8 }\nstages:\n${stages}\n`);
  let signalledAt = 0;
  let scanned = 0;
  let finished = 0;
  const run = await runOnTerminal(["up", "-c", "startup.yaml", "--output", "tty", "--state-dir", "state"], {
    cwd: project.dir,
    columns: 120,
    timeoutMs: 60_000,
    onOutput: (raw, pid) => {
      if (signalledAt || !pid) return;
      finished += (raw.slice(scanned).match(/✔ s\d+/g) ?? []).length;
      scanned = Math.max(0, raw.length - 16);
      if (finished < 40) return;
      signalledAt = performance.now();
      process.kill(pid, "SIGINT");
    },
  });
  const exitMs = performance.now() - signalledAt;
  const screen = run.screen.join("\n");
  expect(signalledAt, screen).toBeGreaterThan(0);
  expect(run.code, screen).toBe(130);
  expect(screen).toMatch(/^interrupted in [\d.]+m?s \(exit 130\)/m);
  expect(screen).toMatch(/^↷ \d+ stages skipped: not started/m);
  expect(exitMs, `exit ${exitMs.toFixed(0)} ms after SIGINT`).toBeLessThan(1500);
}, 90_000);
