// Durations in the config: `250ms`, `5s`, `2m`, `1h`, or a bare number of seconds.
// Hand-written on purpose: libraries such as `ms` accept more forms ("2 days", bare
// numbers as milliseconds) than the schema allows, so the schema and the parser would
// disagree. This regex is the one the JSON Schema uses.
export const DURATION_PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)?$";
const DURATION = new RegExp(DURATION_PATTERN);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * The longest duration a config or option may name. Node's timers hold at most
 * 2^31-1 ms (about 24.8 days) and fire after 1 ms for anything longer, so an unchecked
 * `interval: 1000h` probed in a busy loop; 24 h is far below that and far above any
 * startup step's timeout, backoff or circuit recovery.
 */
export const MAX_DURATION_MS = 24 * UNIT_MS.h;
export const MAX_DURATION_TEXT = "24h";

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (!DURATION.test(text)) return undefined;
  const match = /^([0-9.]+)(ms|s|m|h)?$/.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? "s") as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

// Compact human form for output: 850ms, 1.2s, 2m05s, 1h02m.
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, "0")}s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

// Sizes for `requires.disk.min_free`: 500MB, 1GB, 2GiB, or a bare number of bytes.
export const SIZE_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s*([kKmMgGtT]i?[bB]?|[bB])?$";
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };

export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 ? value : undefined;
  const match = /^([0-9.]+)\s*([a-zA-Z]*)$/.exec(value.trim());
  if (!match || !new RegExp(SIZE_PATTERN).test(value.trim())) return undefined;
  const unit = (match[2] ?? "").toLowerCase().replace(/b$/, "") || "b";
  const factor = SIZE_UNITS[unit];
  return factor === undefined ? undefined : Math.round(Number(match[1]) * factor);
}
