// The event sink: one redaction boundary in front of every consumer, and a consumer
// that throws never takes the run down.
import { describe, expect, it } from "vitest";
import { createEventSink, type Consumer } from "../../src/engine/event-sink.js";
import type { EngineEvent } from "../../src/engine/events.js";
import { Redactor } from "../../src/redact/redactor.js";

const output = (line: string): EngineEvent => ({ type: "service-output", at: "2026-11-30T00:00:00.000Z", stage: "api", line });

function collect(name: string, fail?: (event: EngineEvent) => boolean): Consumer & { seen: EngineEvent[] } {
  const seen: EngineEvent[] = [];
  return {
    name,
    seen,
    onEvent(event) {
      if (fail?.(event)) throw new TypeError(`${name} broke`);
      seen.push(event);
    },
  };
}

describe("the event sink", () => {
  it("masks every string of every event once, before any consumer sees it, including secrets learned during the run", () => {
    const redactor = new Redactor(["hunter22"]);
    const a = collect("a");
    const sink = createEventSink({ redactor, consumers: [a], onFailure: () => undefined });
    sink(output("password hunter22"));
    redactor.add("tok-produced-later");
    sink({ type: "stage-ready", at: "x", stage: "db", attempts: 1, durationMs: 1, outputs: { DB_TOKEN: "tok-produced-later" } });
    expect(a.seen).toEqual([output("password ***"), { type: "stage-ready", at: "x", stage: "db", attempts: 1, durationMs: 1, outputs: { DB_TOKEN: "***" } }]);
  });

  it("a consumer that throws is reported once and replaced by its fallback, which gets the failed event; the others go on", () => {
    const failures: string[] = [];
    const plain = collect("plain output");
    const live: Consumer = { ...collect("the live view", (e) => e.type === "service-output" && e.line === "boom"), fallback: () => plain };
    const recorder = collect("the report database");
    const sink = createEventSink({ redactor: new Redactor(), consumers: [recorder, live], onFailure: (name, error, replacement) => failures.push(`${name}: ${(error as Error).message} → ${replacement}`) });
    sink(output("one"));
    sink(output("boom"));
    sink(output("two"));
    expect(failures).toEqual(["the live view: the live view broke → plain output"]);
    expect(plain.seen.map((e) => (e as { line: string }).line)).toEqual(["boom", "two"]);
    expect(recorder.seen).toHaveLength(3);
  });

  it("a consumer without a fallback is switched off; an error from its own timer is attributed to it", () => {
    const failures: string[] = [];
    const broken = collect("the GitHub step summary", () => true);
    const other = collect("the live view");
    const sink = createEventSink({
      redactor: new Redactor(),
      consumers: [broken, other],
      onFailure: (name, _error, replacement) => failures.push(`${name} → ${replacement ?? "off"}`),
      ownerOf: (error) => ((error as Error).message === "renderer timer" ? "the live view" : undefined),
    });
    sink(output("x"));
    sink(output("y"));
    expect(failures).toEqual(["the GitHub step summary → off"]);
    expect(sink.failAsync(new Error("unrelated"))).toBe(false);
    expect(sink.failAsync(new Error("renderer timer"))).toBe(true);
    expect(failures).toEqual(["the GitHub step summary → off", "the live view → off"]);
    sink(output("z"));
    expect(other.seen).toHaveLength(2);
  });
});

describe("what the boundary masks", () => {
  it("never the event's structure: a secret equal to a type word, a status, a reason or a stage name leaves the event intact", () => {
    const redactor = new Redactor(["ready", "teardown", "postgres"]);
    const seen: EngineEvent[] = [];
    const sink = createEventSink({ redactor, consumers: [{ name: "c", onEvent: (e) => seen.push(e) }], onFailure: () => undefined });
    const result = { name: "postgres", description: undefined, status: "ready" as const, priority: "critical" as const, kind: "task" as const, attempts: 1, startedAt: undefined, finishedAt: undefined, durationMs: 1, exitCode: undefined, error: undefined, logPath: undefined };
    sink({ type: "stage-ready", at: "t", stage: "postgres", attempts: 1, durationMs: 1, outputs: { URL: "postgres://x" }, result });
    sink({ type: "rollback-stage", at: "t", stage: "postgres", seq: 1, reason: "teardown", action: "stopped", status: "ok", durationMs: 1, error: "cleanup of postgres failed" });
    sink({ type: "stage-output", at: "t", stage: "postgres", line: "postgres is ready" });
    expect(seen).toEqual([
      { type: "stage-ready", at: "t", stage: "postgres", attempts: 1, durationMs: 1, outputs: { URL: "***://x" }, result },
      { type: "rollback-stage", at: "t", stage: "postgres", seq: 1, reason: "teardown", action: "stopped", status: "ok", durationMs: 1, error: "cleanup of *** failed" },
      { type: "stage-output", at: "t", stage: "postgres", line: "*** is ***" },
    ]);
  });
});
