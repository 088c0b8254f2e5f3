// A fresh project that installs netra-start the way the README's "Use it in your project"
// says, with no network: npm works from its cache, which `npm ci` filled for this repo.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, runCommand, type CliResult } from "./cli.js";

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };

/**
 * npm or npx as in a fresh shell, offline: a step that needed the registry fails here.
 * The limit is only for a hung npm: an install has no event to wait on but its exit, and
 * on a busy 2-core machine one takes from 20 s to several minutes.
 */
export function npm(tool: "npm" | "npx", args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 300_000): Promise<CliResult> {
  return runCommand(tool, args, { cwd, timeoutMs, env: { ...withoutNpmScriptEnv(), ...OFFLINE, ...env } });
}

const OFFLINE = { npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };

// Under `npm test`, npm hands vitest this project's settings (npm_config_local_prefix,
// npm_package_json…): they must not leak into an npm run in another project.
function withoutNpmScriptEnv(): Record<string, undefined> {
  return Object.fromEntries(Object.keys(process.env).filter((key) => key.startsWith("npm_") || key === "INIT_CWD").map((key) => [key, undefined]));
}

/** `npm pack` of this checkout into `dir`; returns the tarball's path. */
export async function packThisRepo(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  // --ignore-scripts: prepack would rebuild dist/ (rm -rf first) under the feet of the
  // test files running beside this one. `npm test` built it just before vitest started;
  // the git install test covers a build from a clean clone.
  const result = await npm("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], ROOT);
  if (result.code !== 0) throw new Error(`npm pack failed: ${result.stderr}`);
  const tarball = readdirSync(dir).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball in ${dir}`);
  return path.join(dir, tarball);
}

/**
 * A package.json and a lockfile pinning netra-start's runtime dependencies at the
 * versions this repository's lockfile holds. npm resolves a range with the registry's
 * metadata, which `npm ci` does not cache (it fetches tarballs by their locked URL); with
 * the versions locked, `npm install --offline` needs only the tarballs.
 */
export function seedProject(dir: string, name: string): void {
  const packages: Record<string, LockEntry> = { "": { name } };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== "" && !entry.dev && !entry.devOptional) packages[key] = entry;
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name, private: true, type: "module" }, null, 2)}\n`);
  writeFileSync(path.join(dir, "package-lock.json"), `${JSON.stringify({ name, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/**
 * better-sqlite3 compiles SQLite from source when it cannot download a prebuilt binary
 * (no network): minutes on a busy machine, and its own business, not netra-start's.
 * prebuild-install looks for a local prebuild first (npm_config_<name>_local_prebuilds,
 * a documented option); this serves it the binary `npm ci` already built for this repo.
 * Returns the environment that points there.
 */
export function localSqlitePrebuild(dir: string): Record<string, string> {
  const modulePath = path.join(ROOT, "node_modules", "better-sqlite3");
  const { version } = JSON.parse(readFileSync(path.join(modulePath, "package.json"), "utf8")) as { version: string };
  const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${glibc || process.platform !== "linux" ? "" : "musl"}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  const tar = spawnSync("tar", ["czf", path.join(dir, name), "-C", modulePath, "build/Release/better_sqlite3.node"], { encoding: "utf8" });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}
