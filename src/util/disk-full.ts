// The disk filling up during a run is not a bug but it is not the stages' fault either:
// it is said as what it is — which path could not be written, how much room is left
// there — and the run stops as after a bug (torn down, recorded if possible, exit 70).
import { existsSync, statfsSync } from "node:fs";
import path from "node:path";

/** ENOSPC/EDQUOT from the file system, SQLITE_FULL from SQLite. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL";
}

export class DiskFullError extends Error {
  constructor(
    readonly path: string,
    readonly freeBytes: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`the disk is full: cannot write ${path} (${freeBytes === undefined ? "free space unknown" : `${formatBytes(freeBytes)} free there`})`, options);
    this.name = "DiskFullError";
  }
}

/** What to say about a disk-full error met while writing `file` (the error's own path wins). */
export function diskFullError(file: string, cause: unknown): DiskFullError {
  if (cause instanceof DiskFullError) return cause;
  const where = (cause as { path?: unknown } | null)?.path;
  const target = typeof where === "string" ? where : file;
  return new DiskFullError(target, freeBytesAt(target), { cause });
}

// Free space for an unprivileged writer (statfs's bavail), on the file system holding
// `target` — or its nearest existing ancestor, if the file itself could not be made.
function freeBytesAt(target: string): number | undefined {
  let dir = target;
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    const stat = statfsSync(dir);
    return stat.bavail * stat.bsize;
  } catch {
    return undefined;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const DISK_FULL_HINT = "free space on that file system (`netra-start prune` removes old runs and their logs; lower settings.retention), or move the state dir with --state-dir";
