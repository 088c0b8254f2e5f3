// The last lines a stage printed, read back from its log for reports and doctor (the
// attempt marker lines left out).
import { readFileSync } from "node:fs";

const TAIL_LINES = 30;

export function logTail(logPath: string | null, lines = TAIL_LINES): string[] {
  if (!logPath) return [];
  try {
    const text = readFileSync(logPath, "utf8");
    return text.split("\n").filter((l) => l !== "" && !l.startsWith("--- ")).slice(-lines);
  } catch {
    return [];
  }
}
