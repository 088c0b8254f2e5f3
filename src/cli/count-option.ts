// Count flags (`history --limit`, `prune --keep`): a whole number in a range, or a usage
// error (exit 2) saying so. Number("1e20") is an integer to JavaScript but not to SQLite,
// and "1.5" or "" must not quietly become something else.
import { UsageError } from "./exit.js";

export const MAX_COUNT = 1_000_000;

export function parseCount(flag: string, value: string, min = 1, max = MAX_COUNT): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number between ${min} and ${max}, got "${value}"`, `e.g. ${flag} ${Math.min(max, Math.max(min, 20))}`);
  return n;
}
