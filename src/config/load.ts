// Finding and reading the config file: the only I/O in the config stage. Every failure
// becomes a diagnostic that says where netra-start looked.
import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync, fstatSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "./diagnostic.js";

export const DEFAULT_CONFIG_NAME = "startup.yaml";
/** Larger files are refused: a startup graph is never this big, a mistake often is. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface ConfigLocation {
  /** Absolute path. */
  path: string;
  /** How the user named it, for messages. */
  shown: string;
  /** Which rule chose it: -c, the env variable, or the default name. */
  via: "option" | "env" | "default";
}

export function findConfig(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ConfigLocation {
  const named = option ?? env.NETRA_START_CONFIG;
  const via = option !== undefined ? "option" : env.NETRA_START_CONFIG ? "env" : "default";
  const shown = named || DEFAULT_CONFIG_NAME;
  return { path: path.resolve(cwd, shown), shown: displayPath(path.resolve(cwd, shown), cwd), via };
}

export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : absolute;
}

function whereLooked(location: ConfigLocation): string {
  switch (location.via) {
    case "option":
      return `looked at ${location.shown} (from -c/--config)`;
    case "env":
      return `looked at ${location.shown} (from NETRA_START_CONFIG)`;
    case "default":
      return `looked at ./${location.shown}; no -c/--config option and no NETRA_START_CONFIG variable were given`;
  }
}

function fileProblem(location: ConfigLocation, code: string, message: string, hint: string): Diagnostic {
  return { severity: "error", code, file: location.shown, line: 0, col: 0, path: "", message, hint, length: 0 };
}

export type ReadResult = { ok: true; text: string; bytes: Buffer } | { ok: false; diagnostic: Diagnostic };

export function readConfig(location: ConfigLocation): ReadResult {
  let fd: number;
  try {
    fd = openSync(location.path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      return { ok: false, diagnostic: fileProblem(location, "config-not-found", `config file not found: ${whereLooked(location)}`, "create one with `netra-start init`, or pass -c FILE") };
    if (code === "EACCES" || code === "EPERM")
      return { ok: false, diagnostic: fileProblem(location, "config-unreadable", "config file is not readable (permission denied)", `check the permissions of ${location.shown}`) };
    return { ok: false, diagnostic: fileProblem(location, "config-unreadable", `cannot open config file: ${(error as Error).message}`, "pass a readable YAML file with -c FILE") };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      return { ok: false, diagnostic: fileProblem(location, "config-is-directory", "config path is a directory, not a file", `pass the YAML file itself, e.g. -c ${path.join(location.shown, DEFAULT_CONFIG_NAME)}`) };
    if (stat.size > MAX_CONFIG_BYTES)
      return { ok: false, diagnostic: fileProblem(location, "config-too-large", `config file is too large (${stat.size} bytes; the limit is ${MAX_CONFIG_BYTES})`, "check that -c names the right file") };
    // Read at most one byte past the limit, so a growing file or a device cannot make us read forever.
    const buffer = Buffer.alloc(Math.min(MAX_CONFIG_BYTES + 1, Math.max(stat.size, 64 * 1024)));
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length >= buffer.length) break;
    }
    if (length > MAX_CONFIG_BYTES)
      return { ok: false, diagnostic: fileProblem(location, "config-too-large", `config file is too large (over ${MAX_CONFIG_BYTES} bytes)`, "check that -c names the right file") };
    const bytes = buffer.subarray(0, length);
    if (bytes.includes(0))
      return { ok: false, diagnostic: fileProblem(location, "config-binary", "config file is binary (it contains NUL bytes), not YAML text", "check that -c names the right file") };
    const text = bytes.toString("utf8");
    // Decoding replaces bad bytes with U+FFFD, which valid UTF-8 may also hold: ask the bytes.
    if (!isUtf8(bytes)) {
      const at = firstInvalidUtf8(text, bytes);
      const diagnostic = fileProblem(location, "config-encoding", `config file is not valid UTF-8 (byte ${at.offset + 1} is not part of a UTF-8 character)`, "save the file as UTF-8");
      return { ok: false, diagnostic: { ...diagnostic, line: at.line, col: at.col, length: 1 } };
    }
    return { ok: true, text, bytes };
  } finally {
    closeSync(fd);
  }
}

// Where the first invalid byte is: walk the decoded text beside the bytes, and stop at a
// U+FFFD that the bytes do not spell (EF BF BD). A newline is never part of a bad
// sequence, so lines counted in the decoded text are the file's lines.
function firstInvalidUtf8(text: string, bytes: Buffer): { offset: number; line: number; col: number } {
  let offset = 0;
  let line = 1;
  let col = 1;
  for (const char of text) {
    if (char === "\uFFFD" && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) break;
    offset += Buffer.byteLength(char);
    if (char === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return { offset, line, col };
}

/** A side file the config names (`.env`, `env_file`, `include`): its text, or why not. */
export type SideFile = { ok: true; text: string } | { ok: false; missing: boolean; problem: string };
export type ReadSideFile = (absolutePath: string) => SideFile;

// The same guards as the config itself (size, binary, UTF-8), with a one-line reason.
export function readSideFile(absolutePath: string): SideFile {
  const read = readConfig({ path: absolutePath, shown: absolutePath, via: "option" });
  if (read.ok) return { ok: true, text: read.text };
  return { ok: false, missing: read.diagnostic.code === "config-not-found", problem: read.diagnostic.message.replace(/^config (file|path) /, "").replace(/:.*$/, "") };
}
