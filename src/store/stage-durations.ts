// Each stage's recent successful durations, kept as a small aggregate (stage_durations,
// migration 6) that the recorder updates as each stage becomes ready. The scheduler's
// estimates are their median: one row per stage to read, however long the history.

/** How many successful runs an estimate looks back over. */
export const RECENT_RUNS = 5;

/** `recent_ms` holds the newest first, comma-separated ("120,98,131"). */
export function parseRecent(text: string): number[] {
  return text
    .split(",")
    .filter((token) => token.trim() !== "")
    .map(Number)
    .filter((ms) => Number.isFinite(ms) && ms >= 0);
}

export function withNewest(recent: readonly number[], ms: number): number[] {
  return [Math.round(ms), ...recent].slice(0, RECENT_RUNS);
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
