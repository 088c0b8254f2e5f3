// The engine's pure parts: backoff, circuit-breaker decisions, redaction, outputs, the heap.
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/engine/backoff.js";
import { admit, afterRun, CLOSED } from "../../src/engine/circuit-breaker.js";
import { describeFailure } from "../../src/engine/failure.js";
import { formatBytes, MAX_OUTPUT_BYTES, MAX_STAGE_OUTPUTS_BYTES, oversizedOutputs } from "../../src/engine/output-limits.js";
import { findOutputCollision, outputEnvName, outputsToEnv, parseOutputs } from "../../src/engine/outputs.js";
import { collidingStageNames } from "../../src/config/output-names.js";
import { Heap } from "../../src/util/heap.js";
import { Redactor, secretsFromEnv } from "../../src/redact/redactor.js";

describe("backoff", () => {
  const backoff = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: false };
  it("is min(max, initial × factor^(n-1))", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(backoff, n))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
  it("with jitter stays between half and all of it", () => {
    expect(backoffDelay({ ...backoff, jitter: true }, 3, () => 0)).toBe(2000);
    expect(backoffDelay({ ...backoff, jitter: true }, 3, () => 0.999_999)).toBe(4000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay({ ...backoff, jitter: true }, 4);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});

describe("circuit breaker decisions", () => {
  const breaker = { threshold: 3, recoveryMs: 60_000 };
  it("opens at the threshold of consecutive failures; a success closes it", () => {
    let record = CLOSED;
    record = afterRun(record, breaker, false, 1);
    record = afterRun(record, breaker, false, 2);
    expect(record).toEqual({ state: "closed", consecutiveFailures: 2, openedAt: undefined });
    expect(afterRun(record, breaker, true, 3)).toEqual(CLOSED);
    record = afterRun(record, breaker, false, 3);
    expect(record).toEqual({ state: "open", consecutiveFailures: 3, openedAt: 3 });
  });
  it("refuses while open, lets one trial through after recovery, reopens on a failed trial", () => {
    const open = { state: "open" as const, consecutiveFailures: 3, openedAt: 1000 };
    expect(admit(open, breaker, 1000 + 59_999)).toEqual({ run: false, until: 61_000 });
    expect(admit(open, breaker, 61_000)).toEqual({ run: true, trial: true });
    expect(afterRun({ ...open, state: "half_open" }, breaker, false, 70_000)).toEqual({ state: "open", consecutiveFailures: 4, openedAt: 70_000 });
    expect(admit(CLOSED, breaker, 0)).toEqual({ run: true, trial: false });
  });
});

describe("redaction", () => {
  it("finds values of secret-looking names and settings.secrets, longest first", () => {
    const values = secretsFromEnv([{ API_TOKEN: "abcd1234", db_password: "hunter2!", PATH: "/usr/bin", SHORT_KEY: "ab", MY_VAR: "visible-or-not" }], ["MY_VAR"]);
    expect(values.sort()).toEqual(["abcd1234", "hunter2!", "visible-or-not"]);
  });
  it("replaces every occurrence, and is absent when there is nothing to hide", () => {
    const redactor = new Redactor(["s3cret", "s3cret-long"]);
    expect(redactor.redact("a s3cret-long and s3cret, s3cret")).toBe("a *** and ***, ***");
    expect(new Redactor([]).active).toBe(false);
  });
});

describe("outputs", () => {
  it("parses KEY=VALUE lines, skipping blanks and comments, keeping = in values", () => {
    expect(parseOutputs("# comment\nDB_URL=postgres://h/db?x=1\n\nnot a pair\n WITH_SPACE = v \n")).toEqual({ DB_URL: "postgres://h/db?x=1", WITH_SPACE: " v " });
  });
  it("names them NETRA_<STAGE>_<KEY>, upper-cased, other characters as _", () => {
    expect(outputEnvName("load-config", "db.url")).toBe("NETRA_LOAD_CONFIG_DB_URL");
    expect(outputsToEnv(new Map([["a", { X: "1" }]]))).toEqual({ NETRA_A_X: "1" });
  });
  it("finds two outputs that would set one variable: in one stage, or against another stage", () => {
    expect(findOutputCollision("s", { "a-b": "1", a_b: "2" }, [])).toBe('outputs "a-b" and "a_b" of stage "s" both become NETRA_S_A_B; rename one of them');
    expect(findOutputCollision("a-b", { X: "1" }, [{ stage: "a", outputs: { B_X: "2" } }])).toBe('output "X" of stage "a-b" and output "B_X" of stage "a" both become NETRA_A_B_X; rename one of them');
    expect(findOutputCollision("a-b", { X: "1", Y: "2" }, [{ stage: "a", outputs: { B: "3", B_Z: "4" } }])).toBeUndefined();
  });
  it("pairs stage names whose outputs share a prefix, keeping the one written first", () => {
    expect(collidingStageNames(["a-b", "c", "a_b", "a", "c_"])).toEqual([["a-b", "a_b"]]);
  });
});

describe("heap", () => {
  it("pops in order, for any push order", () => {
    const heap = new Heap<number>((a, b) => a < b);
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 503);
    for (const v of values) heap.push(v);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop() as number);
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });
});

describe("output size limits", () => {
  const variableOf = (key: string) => outputEnvName("api", key);
  it("refuse one output over 64 KiB, naming its key and variable", () => {
    expect(oversizedOutputs("api", { OK: "x".repeat(1000) }, variableOf)).toBeUndefined();
    expect(oversizedOutputs("api", { OK: "1", BIG: "x".repeat(MAX_OUTPUT_BYTES) }, variableOf)).toEqual({
      reason: "outputs-too-large",
      stage: "api",
      key: "BIG",
      variable: "NETRA_API_BIG",
      bytes: MAX_OUTPUT_BYTES + 4,
      limitBytes: MAX_OUTPUT_BYTES,
    });
  });
  it("refuse a stage's outputs over 256 KiB together; count bytes, not characters", () => {
    const quarter = "é".repeat(MAX_OUTPUT_BYTES / 4); // 2 bytes each in UTF-8: 32 KiB
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`K${i}`, quarter]));
    expect(oversizedOutputs("api", nine, variableOf)).toMatchObject({ key: null, limitBytes: MAX_STAGE_OUTPUTS_BYTES });
    expect(describeFailure(oversizedOutputs("api", nine, variableOf)!)).toBe(
      "outputs of stage api total 288 KiB, more than the 256 KiB a stage may output (write large data to a file and output its path)",
    );
  });
  it("say sizes the way people read them", () => {
    expect([512, 64 * 1024, 1536 * 1024, 5 * 1024 * 1024].map(formatBytes)).toEqual(["512 B", "64 KiB", "1.5 MiB", "5 MiB"]);
  });
});
