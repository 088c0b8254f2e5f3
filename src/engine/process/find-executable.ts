// execvp's search for a command, done once in TypeScript for both ways of starting a
// process, so that both fail the same way before anything starts: a name without a slash
// is looked up in the *stage's* PATH (empty and relative entries are taken from its
// working directory, as execvp and child_process do); a path is taken from that
// directory. Not found anywhere: ENOENT; found but not an executable file: EACCES.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** glibc's execvp uses this when PATH is unset. */
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

export type Lookup = { ok: true; path: string } | { ok: false; code: "ENOENT" | "EACCES" };

export function findExecutable(file: string, env: NodeJS.ProcessEnv, cwd: string): Lookup {
  if (file.includes("/")) {
    const candidate = path.resolve(cwd, file);
    if (isExecutableFile(candidate)) return { ok: true, path: candidate };
    return { ok: false, code: exists(candidate) ? "EACCES" : "ENOENT" };
  }
  let sawDenied = false;
  for (const dir of (env.PATH ?? DEFAULT_PATH).split(":")) {
    const candidate = path.resolve(cwd, dir, file);
    if (isExecutableFile(candidate)) return { ok: true, path: candidate };
    sawDenied ||= exists(candidate);
  }
  return { ok: false, code: sawDenied ? "EACCES" : "ENOENT" };
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function exists(file: string): boolean {
  try {
    accessSync(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
