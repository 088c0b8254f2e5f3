// The pure parts of health checks: the bounded body search, the deadline signal.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { searchBody } from "../../src/engine/health/body-search.js";
import { deadline } from "../../src/util/deadline.js";

/** A body delivered in the given chunks; `endless` keeps producing "x" after them. */
function body(chunks: string[], endless = false): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean; pulled: () => number } {
  const encoder = new TextEncoder();
  let cancelled = false;
  let pulled = 0;
  const queue = [...chunks];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift() ?? (endless ? "x".repeat(1000) : undefined);
      if (next === undefined) return controller.close();
      pulled += next.length;
      controller.enqueue(encoder.encode(next));
    },
    cancel: () => void (cancelled = true),
  });
  return { stream, cancelled: () => cancelled, pulled: () => pulled };
}

describe("searchBody", () => {
  it("finds the text, even split across two reads, and stops reading there", async () => {
    const b = body(["status: al", "l good", "more"], true);
    expect(await searchBody(b.stream, "all good")).toBe("found");
    expect(b.pulled()).toBeLessThan(100);
    expect(b.cancelled()).toBe(true);
  });
  it("says absent when a short body ends without it", async () => {
    expect(await searchBody(body(["status: ok"]).stream, "all good")).toBe("absent");
  });
  it("gives up on an endless body at the limit, having read about that much, and cancels it", async () => {
    const b = body([], true);
    expect(await searchBody(b.stream, "all good", 64 * 1024)).toBe("limit-reached");
    expect(b.pulled()).toBeLessThan(64 * 1024 + 2000);
    expect(b.cancelled()).toBe(true);
  });
  it("ignores what lies past the limit, and decodes characters split across reads", async () => {
    expect(await searchBody(body(["x".repeat(10), "needle"]).stream, "needle", 12)).toBe("limit-reached");
    const euro = new TextEncoder().encode("€ ok");
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(euro.subarray(0, 1));
        controller.enqueue(euro.subarray(1));
        controller.close();
      },
    });
    expect(await searchBody(split, "€ ok")).toBe("found");
  });
});

describe("deadline", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  it("aborts when the time runs out, and says so", () => {
    const limit = deadline(new AbortController().signal, 20);
    vi.advanceTimersByTime(19);
    expect(limit.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(limit.signal.aborted).toBe(true);
    expect(limit.expired()).toBe(true);
    limit.clear();
  });
  it("aborts with its parent, which is not a timeout, and leaves no listener on it", () => {
    const parent = new AbortController();
    const limit = deadline(parent.signal, 60_000);
    parent.abort();
    expect(limit.signal.aborted).toBe(true);
    expect(limit.expired()).toBe(false);
    limit.clear();
    const other = deadline(parent.signal, 60_000);
    expect(other.signal.aborted).toBe(true);
    other.clear();
  });
  it("clear() stops the timer", () => {
    const limit = deadline(new AbortController().signal, 10);
    limit.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(limit.signal.aborted).toBe(false);
  });
});
