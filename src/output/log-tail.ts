// The last lines a stage printed, read back from its log for reports and doctor (the
// attempt marker lines left out). Only the end of the file is read: a stage's log can be
// hundreds of megabytes.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const TAIL_LINES = 30;
/** Enough for TAIL_LINES lines of the 4 KiB the engine keeps per line at most. */
const TAIL_BYTES = 256 * 1024;

export function logTail(logPath: string | null, lines = TAIL_LINES): string[] {
  if (!logPath) return [];
  let fd: number;
  try {
    fd = openSync(logPath, "r");
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString("utf8");
    // When the read starts mid-file, its first line is likely cut: drop it.
    const all = text.split("\n");
    const whole = length < size ? all.slice(1) : all;
    return whole.filter((l) => l !== "" && !l.startsWith("--- ")).slice(-lines);
  } finally {
    closeSync(fd);
  }
}
