import type { Backoff } from "../config/types.js";

// Wait before retry n (n = 1 for the first retry): min(max, initial × factor^(n-1)).
// Jitter ("equal jitter") keeps at least half the wait and randomises the rest, so that
// stages retrying together do not hit a recovering dependency in lockstep.
export function backoffDelay(backoff: Backoff, retry: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, retry - 1));
  if (!backoff.jitter) return Math.round(base);
  return Math.round(base / 2 + random() * (base / 2));
}
