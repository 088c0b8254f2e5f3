// The live view without a terminal: the view model, its lines, the text helpers, and the
// renderer drawing into a recorder that is played back like a screen.
import { Chalk } from "chalk";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EngineEvent, StageResult } from "../../src/engine/events.js";
import { countsLine, liveLines, permanentLines } from "../../src/output/live-view-lines.js";
import { LiveViewModel } from "../../src/output/live-view-model.js";
import { fitLine, keepColours, plainText, textWidth } from "../../src/output/terminal-text.js";
import { createTtyRenderer, type LiveTerminal } from "../../src/output/tty-renderer.js";
import { playBack } from "../helpers/terminal.js";

const style = new Chalk({ level: 0 });
const at = "2026-11-30T12:00:00.000Z";

describe("the view model", () => {
  it("counts per phase, keeps waiting stages in config order and running ones in start order", () => {
    const model = new LiveViewModel();
    model.plan(["a", "b", "c", "d", "e"]);
    model.started("c", 1, 1, 0);
    model.started("a", 1, 3, 10);
    expect(model.waitingNames(4)).toEqual(["b", "d", "e"]);
    expect([...model.activeStages()].map((s) => s.name)).toEqual(["c", "a"]);
    model.ready("c", 5, 1);
    model.retrying("a", 2, 3, 600, 20);
    model.started("a", 2, 3, 620);
    expect([...model.activeStages()].map((s) => [s.name, s.phase, s.attempt, s.startedAt])).toEqual([["a", "running", 2, 10]]);
    model.failed("a", { attempts: 2, critical: true, error: "exit code 1", tail: [], hint: undefined });
    model.skipped("b", "dependency a failed");
    model.cancelled("d", "stopping");
    expect(model.counts()).toMatchObject({ waiting: 1, running: 0, retrying: 0, ready: 1, failed: 1, skipped: 1, cancelled: 1 });
    expect(model.takePermanent().map((p) => p.kind)).toEqual(["ready", "failed", "skipped", "cancelled"]);
    expect(model.takePermanent()).toEqual([]);
  });

  it("takes events in any order: unknown stages are added, output after the end or before the start is dropped", () => {
    const model = new LiveViewModel();
    model.detail("ghost", "nobody listens");
    model.ready("ghost", 1, 1);
    expect(model.total).toBe(1);
    model.detail("ghost", "late output");
    expect(model.activeCount).toBe(0);
    model.plan(["ghost", "x"]);
    expect(model.total).toBe(2);
    model.ready("ghost", 1, 1); // twice: still counted once
    expect(model.counts()).toMatchObject({ ready: 1, waiting: 1 });
  });

  it("a service that restarts runs again, and settles back to ready without a second ✔ line", () => {
    const model = new LiveViewModel();
    model.plan(["api"]);
    model.started("api", 1, 1, 0);
    model.ready("api", 100, 1);
    model.takePermanent();
    model.started("api", 2, 3, 5000);
    expect([...model.activeStages()].map((s) => s.startedAt)).toEqual([5000]);
    model.settle("api", "ready");
    expect(model.activeCount).toBe(0);
    expect(model.counts().ready).toBe(1);
    expect(model.takePermanent()).toEqual([]);
  });
});

describe("the live region and permanent lines", () => {
  it("names the first four waiting stages, and counts the rest", () => {
    const model = new LiveViewModel();
    model.plan(["first", "second", "third", "fourth"]);
    model.started("first", 1, 1, 0);
    expect(countsLine(model)).toBe("0/4 ready · 1 running · 3 waiting: second, third, fourth");
    model.plan(["s5", "s6"]);
    expect(countsLine(model)).toBe("0/6 ready · 1 running · 5 waiting: second, third, fourth, s5, …");
  });

  it("shows running stages with elapsed time, attempt, latest line and retry countdown; never more than half the screen", () => {
    const model = new LiveViewModel();
    model.plan(Array.from({ length: 30 }, (_, i) => `s${i}`));
    for (let i = 0; i < 20; i++) model.started(`s${i}`, 1, 2, 0);
    model.detail("s0", "compiling 12/40");
    model.retrying("s1", 2, 2, 600, 0);
    model.detail("s1", "attempt 1/2 failed: exit code 1");
    model.started("s2", 2, 2, 0);
    const lines = liveLines(model, { columns: 100, rows: 20 }, 1500, 0, style);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("⠋ s0 1.50s · compiling 12/40");
    expect(lines[1]).toBe("↻ s1 retrying in 0ms (attempt 2/2) · attempt 1/2 failed: exit code 1");
    expect(lines[2]).toBe("⠋ s2 1.50s · attempt 2/2");
    expect(lines[8]).toBe("… and 12 more running");
    expect(lines[9]).toBe("0/30 ready · 20 running · 10 waiting: s20, s21, s22, s23, …");
    expect(liveLines(model, { columns: 100, rows: 20 }, 300, 0, style)[1]).toContain("retrying in 300ms (attempt 2/2)");
  });

  it("cuts every live line to the width less one column and strips what would move the cursor", () => {
    const model = new LiveViewModel();
    const evil = "bad\u001b[2J\u001b[5A\u001b]0;title\u0007name";
    model.plan([evil, "wide"]);
    model.started(evil, 1, 1, 0);
    model.detail(evil, `\u001b[31m${"x".repeat(500)}\u001b[0m`);
    model.started("wide", 1, 1, 0);
    model.detail("wide", "界".repeat(100));
    const lines = liveLines(model, { columns: 40, rows: 24 }, 0, 0, style);
    for (const line of lines) {
      expect([...line].filter((ch) => (ch.codePointAt(0) as number) < 0x20 || ((ch.codePointAt(0) as number) >= 0x7f && (ch.codePointAt(0) as number) < 0xa0))).toEqual([]);
      expect(textWidth(line)).toBeLessThanOrEqual(39);
    }
    expect(lines[0]).toMatch(/^⠋ badname 0ms · x+…$/);
    expect(liveLines(model, { columns: 4, rows: 3 }, 0, 0, style)).toEqual(["0/…"]);
    expect(lines[1]).toMatch(/^⠋ wide 0ms · (界)+…$/);
  });

  it("prints ✔ and ✖ lines with the tail and hint, keeps few skipped stages one by one and folds a burst into one line", () => {
    const lines = permanentLines(
      [
        { kind: "ready", name: "flaky", durationMs: 1234, attempts: 2 },
        { kind: "failed", name: "broken", attempts: 1, critical: false, error: "exit code 4", tail: ["no database at 127.0.0.1:5999", "\u001b[1Acursor"], hint: "is it running?" },
        { kind: "skipped", name: "after", reason: "dependency broken failed" },
        ...Array.from({ length: 500 }, (_, i) => ({ kind: "skipped" as const, name: `w${i}`, reason: "not started: interrupted" })),
        { kind: "cancelled", name: "slow", reason: "interrupted" },
        { kind: "text", line: "api │ \u001b[32mgreen\u001b[0m \u001b[2Kdone" },
      ],
      style,
    );
    expect(lines).toEqual([
      "✔ flaky 1.23s, 2 attempts",
      "✖ broken after 1 attempt (non-critical)",
      "  › exit code 4",
      "    │ no database at 127.0.0.1:5999",
      "    │ cursor",
      "    hint: is it running?",
      "↷ after skipped: dependency broken failed",
      "↷ 500 stages skipped: not started: interrupted (w0, w1, w2, w3, …)",
      "⚠ slow cancelled: interrupted",
      "api │ \u001b[32mgreen\u001b[0m done\u001b[0m",
    ]);
    expect(keepColours("a \u001b[32mgreen\u001b[0m \u001b[3Aup")).toBe("a \u001b[32mgreen\u001b[0m up\u001b[0m");
  });
});

describe("terminal text", () => {
  it("plainText keeps what a terminal would show of a progress line", () => {
    expect(plainText("10%\r50%\r100%\r")).toBe("100%");
    expect(keepColours("\u001b[2K\r\u001b[33m10%\r\u001b[33m50%")).toBe("\u001b[33m50%\u001b[0m");
    expect(plainText("a\tb\u0007c\u001b[38;5;12md")).toBe("a bcd");
  });
  it("fitLine leaves a line that fits alone and colours only what it keeps", () => {
    const red = (s: string) => `<${s}>`;
    expect(fitLine([["abc", red], ["def"]], 6)).toBe("<abc>def");
    expect(fitLine([["abc", red], ["def"]], 5)).toBe("<abc>d…");
    expect(fitLine([["abcdef", red]], 3)).toBe("<ab>…");
    expect(fitLine([["界界界"]], 5)).toBe("界界…");
  });
});

// The renderer drawing into a recorder, with a clock and timers of the test's own.
function recorder(columns = 80, rows = 24): LiveTerminal & { raw: string } {
  return {
    raw: "",
    columns,
    rows,
    // As a pseudo-terminal does (onlcr): a new line starts at column 1.
    write(text: string) {
      this.raw += text.replace(/\n/g, "\r\n");
    },
  };
}

const result = (name: string): StageResult => ({ name, description: undefined, status: "ready", priority: "critical", kind: "task", attempts: 1, startedAt: at, finishedAt: at, durationMs: 5, exitCode: 0, error: undefined, logPath: undefined });
const runStarted = (names: string[]): EngineEvent => ({
  type: "run-started",
  at,
  runId: "r1",
  name: "demo",
  concurrency: 4,
  logDir: "/tmp/logs",
  stages: names.map((name) => ({ name, kind: "task", priority: "critical", description: undefined, dependsOn: [], maxAttempts: 1 })),
});
const runFinished = (names: string[]): EngineEvent => ({ type: "run-finished", at, runId: "r1", status: "ready", exitCode: 0, durationMs: 1200, results: names.map(result), rolledBack: false, note: undefined });

describe("the tty renderer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("draws at most one frame per 100 ms, prints finished stages once above the region, and ends with the status and summary", async () => {
    vi.useFakeTimers();
    const terminal = recorder();
    const renderer = createTtyRenderer(style, { terminal, clock: () => Date.now() });
    const names = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    renderer.onEvent(runStarted(names));
    for (const name of names) {
      renderer.onEvent({ type: "stage-started", at, stage: name, attempt: 1, maxAttempts: 1 });
      renderer.onEvent({ type: "stage-output", at, stage: name, line: "working" });
      renderer.onEvent({ type: "stage-ready", at, stage: name, attempts: 1, durationMs: 7, outputs: {} });
    }
    expect(terminal.raw).toBe(""); // nothing drawn synchronously
    vi.advanceTimersByTime(0);
    const first = playBack(terminal.raw).screen;
    expect(first[0]).toBe("demo: starting 1000 stages (concurrency 4)");
    expect(first.filter((l) => l.startsWith("✔ "))).toHaveLength(1000);
    expect(first.at(-1)).toBe("1000/1000 ready · 0 running");
    renderer.onEvent(runFinished(names));
    await renderer.close();
    expect(vi.getTimerCount()).toBe(0);
    const screen = playBack(terminal.raw).screen;
    expect(screen.filter((l) => l === "✔ s1 7ms")).toHaveLength(1);
    expect(screen.some((l) => l.includes("ready ·"))).toBe(false);
    expect(screen).toContain("ready in 1.20s (exit 0) · run r1");
    expect(screen.filter((l) => /^s\d+\s+✔ ready/.test(l))).toHaveLength(1000);
  });

  it("animates running stages on its own timer and stops it when nothing runs; close() leaves no timer", async () => {
    vi.useFakeTimers();
    const terminal = recorder();
    const renderer = createTtyRenderer(style, { terminal, clock: () => Date.now() });
    renderer.onEvent(runStarted(["a", "b"]));
    renderer.onEvent({ type: "stage-started", at, stage: "a", attempt: 1, maxAttempts: 1 });
    vi.advanceTimersByTime(1000);
    const { frames } = playBack(terminal.raw);
    expect(frames.length).toBeGreaterThanOrEqual(8);
    expect(frames.length).toBeLessThanOrEqual(11);
    renderer.onEvent({ type: "stage-ready", at, stage: "a", attempts: 1, durationMs: 1000, outputs: {} });
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
    expect(playBack(terminal.raw).screen.at(-1)).toBe("1/2 ready · 0 running · 1 waiting: b");
    renderer.onEvent({ type: "stage-started", at, stage: "b", attempt: 1, maxAttempts: 1 });
    expect(vi.getTimerCount()).toBe(1);
    await renderer.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(terminal.raw.endsWith("\u001b[?25h")).toBe(true);
  });

  it("draws at once when its timer is a frame late: a burst of events in one turn of the event loop does not leave the screen behind", () => {
    vi.useFakeTimers();
    let now = 0;
    const terminal = recorder();
    const renderer = createTtyRenderer(style, { terminal, clock: () => now });
    const names = Array.from({ length: 30 }, (_, i) => `s${i}`);
    renderer.onEvent(runStarted(names));
    // No timer runs from here on: the event loop is busy with these events.
    names.forEach((name, i) => {
      now = i * 10;
      renderer.onEvent({ type: "stage-skipped", at, stage: name, reason: "not started: interrupted" });
    });
    // The frame due at 0 ms was a whole frame late at 100 ms: drawn then, with s0–s10.
    expect(playBack(terminal.raw).screen.filter((l) => l.startsWith("↷ "))).toEqual(["↷ 11 stages skipped: not started: interrupted (s0, s1, s2, s3, …)"]);
    vi.advanceTimersByTime(100);
    expect(playBack(terminal.raw).screen.filter((l) => l.startsWith("↷ "))).toEqual([
      "↷ 11 stages skipped: not started: interrupted (s0, s1, s2, s3, …)",
      "↷ 19 stages skipped: not started: interrupted (s11, s12, s13, s14, …)",
    ]);
    expect(playBack(terminal.raw).screen.at(-1)).toBe("0/30 ready · 0 running · 30 skipped");
  });

  it("a frame that is due while the event loop is busy is drawn at the end of that turn, before anything else queued", async () => {
    vi.useFakeTimers();
    let now = 0;
    const terminal = recorder();
    const renderer = createTtyRenderer(style, { terminal, clock: () => now });
    renderer.onEvent(runStarted(["a", "b"]));
    now = 50; // the frame was due at 0; its timer has not run
    renderer.onEvent({ type: "stage-ready", at, stage: "a", attempts: 1, durationMs: 3, outputs: {} });
    expect(terminal.raw).toBe("");
    await Promise.resolve();
    expect(playBack(terminal.raw).screen).toEqual(["demo: starting 2 stages (concurrency 4)", "✔ a 3ms", "1/2 ready · 0 running · 1 waiting: b"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("never throws, whatever the order of events: unknown stages, output after the end, events after run-finished", async () => {
    vi.useFakeTimers();
    const terminal = recorder(30, 6);
    const renderer = createTtyRenderer(style, { terminal, clock: () => Date.now() });
    const stages = ["a", "b", "\u001b[2Jc", "unknown"];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const every = (stage: string): EngineEvent[] => [
      runStarted(stages.slice(0, 3)),
      { type: "process-started", at, stage, attempt: 1, role: "stage", pgid: 1 },
      { type: "stage-started", at, stage, attempt: 2, maxAttempts: 3 },
      { type: "stage-output", at, stage, line: "x".repeat(200) },
      { type: "service-output", at, stage, line: "\u001b[1Aup" },
      { type: "health-check", at, stage, ok: random(2) === 0, check: 1, maxChecks: 5, durationMs: 3, detail: "refused" },
      { type: "attempt-failed", at, stage, attempt: 1, maxAttempts: 3, durationMs: 3, failure: { reason: "exit-non-zero", exitCode: 1 }, error: "exit code 1" },
      { type: "stage-retrying", at, stage, nextAttempt: 2, maxAttempts: 3, delayMs: 500 },
      { type: "stage-ready", at, stage, attempts: 1, durationMs: 4, outputs: {} },
      { type: "stage-failed", at, stage, attempts: 3, durationMs: 4, error: "boom\nsecond line", tail: ["t1"], critical: random(2) === 0, exitCode: 1, reason: "exit-non-zero" },
      { type: "stage-skipped", at, stage, reason: "dependency a failed" },
      { type: "stage-cancelled", at, stage, reason: "interrupted" },
      { type: "service-exited", at, stage, exitCode: 1, signal: null, uptimeMs: 5, restarting: true, delayMs: 100 },
      { type: "service-restarted", at, stage, restarts: 1, attempts: 2 },
      { type: "service-lost", at, stage, error: "gone", critical: true },
      { type: "circuit-changed", at, stage, from: "closed", to: "open", consecutiveFailures: 3, openedAt: at, nextTryAt: at, why: "3 failures" },
      { type: "outputs-saved", at, stage, file: "/x", keys: ["A"], secretKeys: [] },
      { type: "services-running", at, stages: [stage] },
      { type: "rollback-started", at, reason: "failure", undo: true, stages: [stage] },
      { type: "rollback-stage", at, stage, seq: 1, reason: "failure", action: "undone", status: "failed", durationMs: 1, error: "nope" },
      { type: "rollback-finished", at, reason: "failure", failed: 1, skipped: false },
      runFinished(stages),
    ];
    for (let i = 0; i < 3000; i++) {
      const events = every(stages[random(stages.length)] as string);
      const event = events[random(events.length - (i < 2900 ? 1 : 0))] as EngineEvent;
      expect(() => renderer.onEvent(event)).not.toThrow();
      if (random(10) === 0) vi.advanceTimersByTime(random(200));
    }
    await renderer.close();
    expect(vi.getTimerCount()).toBe(0);
    // Every line of the live region fit in 29 of the 30 columns: nothing that was redrawn could wrap.
    const live = /^([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏↻] |… and \d+ more|\d+\/\d+ ready)/;
    const drawn = playBack(terminal.raw).frames.flat().filter((line) => live.test(line));
    expect(drawn.length).toBeGreaterThan(100);
    for (const line of drawn) expect(textWidth(line)).toBeLessThanOrEqual(29);
  });

  it("falls back to plain lines: the region is erased, what finished is printed, the timer stops", () => {
    vi.useFakeTimers();
    const terminal = recorder();
    const renderer = createTtyRenderer(style, { terminal, clock: () => Date.now() });
    renderer.onEvent(runStarted(["a", "b"]));
    renderer.onEvent({ type: "stage-started", at, stage: "a", attempt: 1, maxAttempts: 1 });
    vi.advanceTimersByTime(0);
    renderer.onEvent({ type: "stage-ready", at, stage: "a", attempts: 1, durationMs: 3, outputs: {} });
    const plain = renderer.fallback?.();
    expect(plain?.name).toBe("plain output");
    expect(vi.getTimerCount()).toBe(0);
    plain?.onEvent({ type: "stage-started", at, stage: "b", attempt: 1, maxAttempts: 1 });
    expect(playBack(terminal.raw).screen).toEqual(["demo: starting 2 stages (concurrency 4)", "✔ a 3ms", "12:00:00.000 [b] started"]);
    renderer.onEvent({ type: "stage-started", at, stage: "b", attempt: 1, maxAttempts: 1 });
    vi.advanceTimersByTime(1000);
    expect(playBack(terminal.raw).screen).toHaveLength(3);
  });
});
