// A task's fingerprint: what its result depends on — its command, its env, what it
// receives from upstream, and the contents of its `inputs` — as hashes only (no value of
// an env variable or output is kept). Equal to its last successful run's, and with every
// `creates` path present, the task is up to date (freshness.ts).
import { createHmac, hash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type * as Tinyglobby from "tinyglobby";
import type { Stage } from "../../config/types.js";

/** One input file as last hashed: size and mtime let the next run skip reading it. */
export interface InputFile {
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface Fingerprint {
  command: string;
  env: string;
  upstream: string;
  /** Path relative to the stage's cwd → what it was. */
  inputs: Record<string, InputFile>;
}

// sha1: change detection, not security — the fastest digest node:crypto has in one call
// (~1.5 GB/s here), and short in the database.
function digest(data: string | Buffer): string {
  return hash("sha1", data);
}

export function commandHash(stage: Stage): string {
  return digest(JSON.stringify([stage.runner, stage.cwd]));
}

// Env values and upstream outputs may hold secrets (a password, a generated token): their
// hashes are HMACs under a key kept in the state dir (mode 0600), since a plain hash in
// the database could be tested against guesses.
function keyed(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("hex");
}

export function envHash(stage: Stage, key: Buffer): string {
  return keyed(key, JSON.stringify(Object.entries(stage.env).sort(([a], [b]) => (a < b ? -1 : 1))));
}

// Every upstream stage's outputs, as the task receives them (NETRA_<STAGE>_<KEY>): a
// dependency that ran again and gave the same outputs leaves the task up to date.
export function upstreamHash(upstream: ReadonlyMap<string, Record<string, string>>, key: Buffer): string {
  const stages = [...upstream.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const text = JSON.stringify(stages.map(([name, outputs]) => [name, Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : 1))]));
  return keyed(key, text);
}

// The files the globs match now, each hashed only when its size or mtime differs from the
// last record: an unchanged tree costs one stat per file, no read.
export function hashInputs(stage: Stage, previous: Record<string, InputFile> | undefined): Record<string, InputFile> {
  if (stage.inputs.length === 0) return {};
  const files = matchInputs(stage.inputs, stage.cwd);
  const inputs: Record<string, InputFile> = {};
  for (const file of files) {
    const full = path.resolve(stage.cwd, file);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      continue; // gone between the glob and the stat: not an input any more
    }
    const known = previous?.[file];
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) inputs[file] = known;
    else inputs[file] = { size: stat.size, mtimeMs: stat.mtimeMs, hash: digest(readFileSync(full)) };
  }
  return inputs;
}

// Loaded on the first task with `inputs`: tinyglobby (with fdir and picomatch) would
// otherwise add to the start-up of every `up`.
let globber: typeof Tinyglobby | undefined;
const glob = () => (globber ??= createRequire(import.meta.url)("tinyglobby") as typeof Tinyglobby);

// A plain file name is taken as it is: one stat, where a glob walks its whole folder —
// 200 stages naming one file each in a folder of 200 was 200 × 200 entries matched.
// Globs, and folders (which stand for everything under them), go to tinyglobby.
export function matchInputs(patterns: readonly string[], cwd: string): string[] {
  const files = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    if (glob().isDynamicPattern(pattern)) {
      globs.push(pattern);
      continue;
    }
    try {
      if (statSync(path.resolve(cwd, pattern)).isFile()) files.add(path.relative(cwd, path.resolve(cwd, pattern)));
      else globs.push(pattern);
    } catch {
      // not there (yet): no input by that name
    }
  }
  if (globs.length > 0) for (const file of glob().globSync(globs, { cwd, onlyFiles: true })) files.add(file);
  return [...files].sort();
}

export function takeFingerprint(stage: Stage, upstream: ReadonlyMap<string, Record<string, string>>, key: Buffer, previous: Fingerprint | undefined): Fingerprint {
  return { command: commandHash(stage), env: envHash(stage, key), upstream: upstreamHash(upstream, key), inputs: hashInputs(stage, previous?.inputs) };
}
