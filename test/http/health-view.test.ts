// The pure parts of the health endpoint and of liveness: what each probe answers for a
// RunState, the JSON it shows (redacted), the loopback rule, the failure threshold.
import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../src/config/http-address.js";
import { DEFAULT_STAGE, type HealthCheck, type Stage } from "../../src/config/types.js";
import { failureThreshold } from "../../src/engine/health/liveness.js";
import { RunState } from "../../src/engine/run-state.js";
import { probeOk, startupView } from "../../src/http/health-view.js";
import { renderLiveMetrics } from "../../src/http/live-metrics.js";

const stage = (name: string, extra: Partial<Stage> = {}): Stage => ({ ...(DEFAULT_STAGE as unknown as Stage), name, dependsOn: [], env: {}, ...extra });
const ready = { attempts: 1, outputs: {}, service: undefined, cleanup: undefined, logPath: undefined };

function twoStages() {
  return new RunState({ runId: "r1", stages: [stage("db", { kind: "service" }), stage("seed", { priority: "low" })], degraded: "allow", sink: () => undefined, clock: () => 1_000 });
}

describe("health probes from the RunState", () => {
  it("startup and ready are 503 until every stage came to something; live from the start", () => {
    const state = twoStages();
    expect([probeOk(undefined, "startup"), probeOk(undefined, "live"), probeOk(undefined, "ready")]).toEqual([false, true, false]);
    state.transition(0, "running", { attempt: 1, maxAttempts: 1 });
    state.transition(0, "ready", ready);
    expect(probeOk(state, "startup")).toBe(false);
    state.transition(1, "running", { attempt: 1, maxAttempts: 1 });
    state.transition(1, "failed", { attempts: 1, error: "password=hunter2 refused", tail: [], exitCode: 1, reason: "exit-non-zero", logPath: undefined });
    // A non-critical failure: degraded, started all the same.
    expect([probeOk(state, "startup"), probeOk(state, "ready"), probeOk(state, "live")]).toEqual([true, true, true]);
    const view = startupView(state, 0, (text) => text.replace("hunter2", "***"), 2_000);
    expect(view).toMatchObject({ initialized: true, status: "degraded", metrics: { stages: 2, ready: 1, failed: 1, attempts: 2, uptimeMs: 2_000 } });
    expect(view.stages[1]).toMatchObject({ name: "seed", status: "failed", lastError: "password=*** refused" });
  });

  it("ready is 503 while a service restarts; everything but metrics is 503 once the run stops", () => {
    const state = twoStages();
    for (const i of [0, 1]) {
      state.transition(i, "running", { attempt: 1, maxAttempts: 1 });
      state.transition(i, "ready", ready);
    }
    state.transition(0, "restarting", { exitCode: null, signal: null, uptimeMs: 5, delayMs: 10, unhealthy: { failures: 3, detail: "HTTP 503" } });
    expect([probeOk(state, "startup"), probeOk(state, "ready"), probeOk(state, "live")]).toEqual([true, false, true]);
    expect(renderLiveMetrics(state, "shop", 0, 1_000)).toMatch(/^netra_start_stage_status\{[^}]*stage="db"[^}]*status="restarting"\} 1$/m);
    state.stop({ by: "interrupt", signal: "SIGINT" });
    expect([probeOk(state, "startup"), probeOk(state, "ready"), probeOk(state, "live")]).toEqual([false, false, false]);
    expect(startupView(state, 0, (t) => t).status).toBe("stopping");
  });
});

describe("addresses and thresholds", () => {
  it("loopback: 127.0.0.0/8, ::1 and localhost; anything else needs a token", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(["0.0.0.0", "10.0.0.5", "::", "example.com", "128.0.0.1"].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });

  it("liveness: `retries` consecutive failures, at least one", () => {
    const check = (retries: number): HealthCheck => ({ probe: { type: "tcp", host: "127.0.0.1", port: 1 }, intervalMs: 1, timeoutMs: 1, retries, startPeriodMs: 0, successThreshold: 1, initialDelayMs: 0 });
    expect([0, 1, 3].map((r) => failureThreshold(check(r)))).toEqual([1, 1, 3]);
  });
});
