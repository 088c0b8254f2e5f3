// The RunState: the transition table, one event per change, and the only place a
// stage's status is assigned.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_STAGE, type Stage } from "../../src/config/types.js";
import type { EngineEvent } from "../../src/engine/events.js";
import { canTransition, IllegalTransition, RunState, TRANSITIONS, type StageStatus } from "../../src/engine/run-state.js";
import { ROOT } from "../helpers/cli.js";

const stage = (name: string, extra: Partial<Stage> = {}): Stage => ({ ...(DEFAULT_STAGE as unknown as Stage), name, dependsOn: [], env: {}, ...extra });

function newState(names = ["a", "b"], degraded: "allow" | "fail" = "allow") {
  const events: EngineEvent[] = [];
  const state = new RunState({ runId: "r1", stages: names.map((n) => stage(n, { priority: n === "b" ? "low" : "critical" })), degraded, sink: (e) => events.push(e), clock: () => 1_000 });
  return { state, events };
}

const ready = { attempts: 1, outputs: {}, service: undefined, cleanup: undefined, logPath: "a.log" };
const failed = { attempts: 1, error: "exit code 1", tail: [], exitCode: 1, reason: "exit-non-zero" as const, logPath: "a.log" };

describe("the transition table", () => {
  it("allows exactly these moves", () => {
    const allowed = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        "pending→running",
        "pending→skipped",
        "pending→failed",
        "pending→ready",
        "running→ready",
        "running→retrying",
        "running→failed",
        "running→cancelled",
        "retrying→running",
        "retrying→cancelled",
        "ready→restarting",
        "ready→failed",
        "ready→rolled-back",
        "ready→running",
        "ready→cancelled",
        "failed→running",
        "cancelled→running",
        "restarting→running",
        "restarting→failed",
        "restarting→cancelled",
        "failed→rolled-back",
        "cancelled→rolled-back",
      ].sort(),
    );
    // Nothing goes back to pending, and skipped and rolled-back are final.
    for (const from of Object.keys(TRANSITIONS) as StageStatus[]) expect(canTransition(from, "pending")).toBe(false);
    expect(TRANSITIONS.skipped).toEqual([]);
    expect(TRANSITIONS["rolled-back"]).toEqual([]);
  });

  it("refuses an illegal move, says which, and emits nothing", () => {
    const { state, events } = newState();
    expect(() => state.transition(0, "ready", ready)).toThrow(IllegalTransition);
    expect(() => state.transition(0, "ready", ready)).toThrow("illegal transition of stage a: pending → ready");
    expect(events).toEqual([]);
    expect(state.entry(0).status).toBe("pending");
  });
});

describe("up-to-date tasks", () => {
  it("pending → ready only when up to date: one stage-up-to-date event, a ready row that says so", () => {
    const { state, events } = newState();
    state.transition(0, "ready", { ...ready, attempts: 0, logPath: undefined, outputs: { URL: "x" }, upToDate: "up to date" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "stage-up-to-date", stage: "a", reason: "up to date", outputs: { URL: "x" }, result: { status: "ready", upToDate: true, why: "up to date", attempts: 0 } });
    expect(state.readyNewestFirst().map((e) => e.stage.name)).toEqual(["a"]);
  });

  it("a task that runs says why on its first attempt, and its row keeps it", () => {
    const { state, events } = newState();
    state.transition(0, "running", { attempt: 1, maxAttempts: 1, why: "inputs changed: a.sql" });
    state.transition(0, "ready", ready);
    expect(events[0]).toMatchObject({ type: "stage-started", why: "inputs changed: a.sql" });
    expect(events[1]).toMatchObject({ type: "stage-ready", result: { why: "inputs changed: a.sql", upToDate: false } });
  });
});

describe("one event per change", () => {
  it("a task's life: started, retrying, started, ready — with its row on the final move", () => {
    const { state, events } = newState();
    state.transition(0, "running", { attempt: 1, maxAttempts: 2 });
    state.transition(0, "retrying", { nextAttempt: 2, maxAttempts: 2, delayMs: 100 });
    state.transition(0, "running", { attempt: 2, maxAttempts: 2 });
    state.transition(0, "ready", { ...ready, attempts: 2, outputs: { URL: "x" } });
    expect(events.map((e) => e.type)).toEqual(["stage-started", "stage-retrying", "stage-started", "stage-ready"]);
    expect(events.at(-1)).toMatchObject({ type: "stage-ready", stage: "a", attempts: 2, outputs: { URL: "x" }, result: { name: "a", status: "ready", attempts: 2, logPath: "a.log" } });
    expect(state.readyNewestFirst().map((e) => e.stage.name)).toEqual(["a"]);
  });

  it("a service's life: exits, restarts, comes back, is lost; a lost critical service fails the run", () => {
    const { state, events } = newState(["a"]);
    state.transition(0, "running", { attempt: 1, maxAttempts: 1 });
    state.transition(0, "ready", ready);
    state.transition(0, "restarting", { exitCode: 1, signal: null, uptimeMs: 5, delayMs: 10 });
    expect(state.isDown(0)).toBe(true);
    state.transition(0, "running", { attempt: 2, maxAttempts: 2 });
    expect(state.isDown(0)).toBe(true);
    state.transition(0, "ready", { ...ready, attempts: 2 });
    expect(state.isDown(0)).toBe(false);
    state.transition(0, "failed", { ...failed, reason: "lost", error: "service exited (exit code 1) and was not restarted (restart: no)" });
    expect(events.map((e) => e.type)).toEqual(["stage-started", "stage-ready", "service-exited", "stage-started", "service-restarted", "service-lost"]);
    expect(events.at(-1)).toMatchObject({ critical: true, result: { status: "failed" } });
    expect(state.lostCritical).toBe("a");
    expect(state.runStatus()).toBe("failed");
  });

  it("a failed optional stage makes the run degraded; with degraded: fail it is critical", () => {
    const optional = newState();
    optional.state.transition(1, "running", { attempt: 1, maxAttempts: 1 });
    optional.state.transition(1, "failed", failed);
    expect(optional.events.at(-1)).toMatchObject({ type: "stage-failed", critical: false });
    expect(optional.state.runStatus()).toBe("degraded");
    const strict = newState(["a", "b"], "fail");
    strict.state.transition(1, "running", { attempt: 1, maxAttempts: 1 });
    strict.state.transition(1, "failed", failed);
    expect(strict.events.at(-1)).toMatchObject({ critical: true });
  });

  it("rollback is a transition: its event carries the reason and order", () => {
    const { state, events } = newState();
    state.transition(0, "running", { attempt: 1, maxAttempts: 1 });
    state.transition(0, "ready", ready);
    state.transition(0, "rolled-back", { reason: "failure", action: "undone", seq: 1, outcome: "ok", durationMs: 3, error: undefined });
    expect(events.at(-1)).toEqual({ type: "rollback-stage", at: new Date(1_000).toISOString(), stage: "a", seq: 1, reason: "failure", action: "undone", status: "ok", durationMs: 3, error: undefined });
    // Its row keeps what its startup came to.
    expect(state.results()[0]?.status).toBe("ready");
  });

  it("circuit changes are events; an unchanged record is not", () => {
    const { state, events } = newState();
    const a = state.entry(0).stage;
    state.setCircuit(a, { state: "closed", consecutiveFailures: 0, openedAt: undefined }, "attempt succeeded");
    expect(events).toEqual([]);
    state.setCircuit(a, { state: "open", consecutiveFailures: 3, openedAt: 1_000 }, "failure threshold reached");
    expect(events).toEqual([
      expect.objectContaining({ type: "circuit-changed", stage: "a", from: "closed", to: "open", consecutiveFailures: 3, why: "failure threshold reached", openedAt: new Date(1_000).toISOString() }),
    ]);
    expect(state.circuit("a").state).toBe("open");
  });

  it("the first reason to stop wins, an interrupt is remembered, and a bug outranks both", () => {
    const { state } = newState();
    expect(state.stop({ by: "failure", stage: "a" })).toBe(true);
    expect(state.stop({ by: "interrupt", signal: "SIGTERM" })).toBe(false);
    expect(state.interrupted).toBe("SIGTERM");
    expect(state.runStatus()).toBe("interrupted");
    expect(state.stop({ by: "internal", message: "boom" })).toBe(true);
    expect(state.runStatus()).toBe("failed");
  });
});

// The "grep finds stage status assigned in one module only", kept true.
it("a stage's status is assigned in engine/run-state.ts only", () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith(".ts") && !file.endsWith("run-state.ts")) {
        readFileSync(file, "utf8")
          .split("\n")
          .forEach((line, n) => {
            // (SQL's `s.status = 'ready'` compares; it does not assign.)
            if (/\.status\s*=\s*[^=\s']|status:\s*"(running|retrying|restarting|rolled-back)"/.test(line)) offenders.push(`${path.relative(ROOT, file)}:${n + 1}: ${line.trim()}`);
          });
      }
    }
  };
  walk(path.join(ROOT, "src"));
  expect(offenders).toEqual([]);
});
