// Build step: compile native/netra_spawn.c (the posix_spawn fast path for starting
// stages, see that file) with node-gyp — the toolchain better-sqlite3 already needs.
// Optional by design: where it cannot be built (not Linux, no compiler) netra-start
// starts processes with child_process.spawn instead, a little slower, and
// `netra-start doctor` says which one is in use. Skips the work when the addon is newer
// than its sources.
//
// It is also the package's `install` script, so it runs inside every project that installs
// netra-start: whatever goes wrong here (no compiler, no Python, no node headers and no
// network to fetch them, a bug in this file) it warns and exits 0 — a failed native build
// must never fail the user's `npm install`.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FALLBACK = "stages will start with child_process.spawn";

try {
  buildNative();
} catch (error) {
  console.warn(`netra-start: the native spawner was not built (${error instanceof Error ? error.message : String(error)}); ${FALLBACK}`);
}
process.exit(0);

function buildNative() {
  const dir = fileURLToPath(new URL("../native/", import.meta.url));
  const addon = path.join(dir, "build", "Release", "netra_spawn.node");
  const sources = ["netra_spawn.c", "binding.gyp"].map((file) => path.join(dir, file));

  if (process.platform !== "linux") {
    console.log(`netra-start: no native spawner on ${process.platform}; ${FALLBACK}`);
    return;
  }
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (existsSync(addon) && statSync(addon).mtimeMs >= newest) return;

  // npm tells its scripts where its own node-gyp is; outside npm, fall back to the one
  // bundled with npm next to this node, then to PATH.
  const bundled = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  const gyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
  const [command, args] = gyp ? [process.execPath, [gyp]] : ["node-gyp", []];
  // Build against the headers of the node that runs this, when it has them (a system or
  // nvm install does): no download, works offline.
  const prefix = path.join(path.dirname(process.execPath), "..");
  const nodedir = process.env.npm_config_nodedir ?? (existsSync(path.join(prefix, "include", "node", "node_api.h")) ? prefix : undefined);
  const result = spawnSync(command, [...args, "rebuild", "--directory", dir, ...(nodedir ? [`--nodedir=${nodedir}`] : [])], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const why = result.error?.message ?? lastErrors(`${result.stdout}\n${result.stderr}`);
    console.warn(`netra-start: the native spawner was not built (${why}); ${FALLBACK}`);
  }
}

// The lines of node-gyp's or the compiler's output that say what went wrong, or its end.
function lastErrors(output) {
  const lines = output.split("\n").map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /error/i.test(line) && !/^at /.test(line));
  return (errors.length > 0 ? errors : lines).slice(-2).join(" | ") || "no output";
}
