// Real-time signals this process was started with *ignored*. On the child_process path
// they stay ignored in every stage: libuv resets only signals 1-31 in the child, and Node
// has no way to reset the rest (the native spawner resets them all). Linux only: read
// from /proc/self/status.
import { readFileSync } from "node:fs";

/** The first real-time signal a program sees (glibc keeps 32 and 33 for itself). */
const FIRST_REALTIME = 34;

export function ignoredRealtimeSignals(status = readStatus()): number[] {
  const hex = /^SigIgn:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!hex) return [];
  const mask = BigInt(`0x${hex}`);
  const found: number[] = [];
  for (let signal = FIRST_REALTIME; signal <= 64; signal++) if ((mask >> BigInt(signal - 1)) & 1n) found.push(signal);
  return found;
}

function readStatus(): string {
  try {
    return readFileSync("/proc/self/status", "latin1");
  } catch {
    return "";
  }
}
