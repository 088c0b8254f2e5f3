// Every path built from a name that came from outside — a run id read from the database,
// a stage name, a log path in a row — goes through here, so that `../../victim` or an
// absolute path can never lead `prune`, recovery or a log writer out of its folder.
import path from "node:path";

/** `root` joined with `parts`, or undefined when the result would not lie strictly inside `root`. */
export function insideDir(root: string, ...parts: string[]): string | undefined {
  const base = path.resolve(root);
  const joined = path.resolve(base, ...parts);
  return isInside(base, joined) ? joined : undefined;
}

/** Is `target` (resolved) strictly below `root`? `root` itself is not inside itself. */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(path.resolve(root), path.resolve(target));
  return relative !== "" && relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The entry `name` directly in `root` — a run's folder in logs/ — or undefined unless
 * `name` is one plain path segment: `x/../other-run` stays inside logs/ but is another
 * run's folder, so it is refused as well.
 */
export function childOf(root: string, name: string): string | undefined {
  if (name.includes("/") || name.includes("\\") || name.includes("\0")) return undefined;
  return insideDir(root, name);
}

export class UnsafePathError extends Error {
  constructor(root: string, parts: string[]) {
    super(`refusing a path that leaves ${root}: ${JSON.stringify(path.join(...parts))}`);
    this.name = "UnsafePathError";
  }
}

/** Like insideDir, for names the code itself vouches for (validated stage names, generated run ids): leaving the folder is a bug. */
export function mustBeInside(root: string, ...parts: string[]): string {
  const joined = insideDir(root, ...parts);
  if (joined === undefined) throw new UnsafePathError(root, parts);
  return joined;
}
