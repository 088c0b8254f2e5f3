// How the user types this CLI: `netra-start` when the name on their PATH is this very
// package (a global install), else `npx netra-start` (a project dependency, or a clone).
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const OWN_BIN = fileURLToPath(new URL("../../bin/netra-start.js", import.meta.url));

export function cliCommand(env: NodeJS.ProcessEnv = process.env, ownBin: string = OWN_BIN): string {
  return onPath(env.PATH ?? "", ownBin) ? "netra-start" : "npx netra-start";
}

// A project's node_modules/.bin does not count: npx and npm scripts put it on PATH for
// the one command they run, not for the user's shell afterwards.
function onPath(searchPath: string, ownBin: string): boolean {
  const own = realpath(ownBin);
  return searchPath
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !dir.endsWith(path.join("node_modules", ".bin")))
    .some((dir) => {
      const candidate = path.join(dir, "netra-start");
      return existsSync(candidate) && realpath(candidate) === own;
    });
}

function realpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
