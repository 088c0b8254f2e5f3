// Reading stage logs back for `netra-start logs`. Output lines carry no time of their
// own; each attempt starts with a `--- <ISO time> attempt n/m` line (and a cleanup with
// `--- <time> cleanup (…)`), so a line's time is its section's: `--since` keeps the
// sections that started within the window.
export interface LogLine {
  text: string;
  /** The time of the section the line belongs to; undefined before any marker. */
  sectionAt: number | undefined;
  marker: boolean;
}

const MARKER = /^--- (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) /;

/** Splits complete lines; `sectionAt` carries on from the text before (when following a file). */
export function parseLogLines(text: string, sectionAt: number | undefined): { lines: LogLine[]; sectionAt: number | undefined } {
  const lines: LogLine[] = [];
  let at = sectionAt;
  for (const line of text.split("\n")) {
    const marker = MARKER.exec(line);
    if (marker) at = Date.parse(marker[1] as string);
    lines.push({ text: line, sectionAt: at, marker: marker !== null });
  }
  return { lines, sectionAt: at };
}

/** What `--since` and `--tail` keep. */
export function selectLines(lines: readonly LogLine[], options: { sinceMs?: number; tail?: number; now: number }): LogLine[] {
  const since = options.sinceMs;
  const recent = since === undefined ? lines : lines.filter((l) => l.sectionAt !== undefined && l.sectionAt >= options.now - since);
  return options.tail === undefined ? [...recent] : options.tail === 0 ? [] : recent.slice(-options.tail);
}
