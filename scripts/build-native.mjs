// Build step: compile native/netra_spawn.c (the posix_spawn fast path for starting
// stages, see that file) with node-gyp — the toolchain better-sqlite3 already needs.
// Optional by design: where it cannot be built (not Linux, no compiler) netra-start
// starts processes with child_process.spawn instead, a little slower, and
// `netra-start doctor` says which one is in use. Skips the work when the addon is newer
// than its sources.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../native/", import.meta.url));
const addon = path.join(dir, "build", "Release", "netra_spawn.node");
const sources = ["netra_spawn.c", "binding.gyp"].map((file) => path.join(dir, file));

if (process.platform !== "linux") {
  console.log(`netra-start: no native spawner on ${process.platform}; stages start with child_process.spawn`);
  process.exit(0);
}
const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
if (existsSync(addon) && statSync(addon).mtimeMs >= newest) process.exit(0);

// npm tells its scripts where its own node-gyp is; outside npm, fall back to the one
// bundled with npm next to this node, then to PATH.
const bundled = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
const gyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
const [command, args] = gyp ? [process.execPath, [gyp]] : ["node-gyp", []];
// Build against the headers of the node that runs this, when it has them (a system or
// nvm install does): no download, works offline.
const prefix = path.join(path.dirname(process.execPath), "..");
const nodedir = process.env.npm_config_nodedir ?? (existsSync(path.join(prefix, "include", "node", "node_api.h")) ? prefix : undefined);
const result = spawnSync(command, [...args, "rebuild", "--directory", dir, ...(nodedir ? [`--nodedir=${nodedir}`] : [])], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (result.status !== 0) {
  const why = result.error?.message ?? (result.stderr || result.stdout).trim().split("\n").slice(-3).join(" | ");
  console.warn(`netra-start: the native spawner was not built (${why}); stages will start with child_process.spawn`);
}
