// `env_file:` entries (top level and per stage) → the variables they give a stage's
// processes. Each file is read once however many stages name it; a missing one is an
// error at the entry that names it unless it says `required: false`.
import path from "node:path";
import type { Diagnostic, PathSegment } from "./diagnostic.js";
import { parseEnvFile, shownBeside, type EnvFile } from "./env-files.js";
import type { ReadSideFile } from "./load.js";

type Raw = Record<string, unknown>;

export interface EnvFileEntry {
  written: string;
  required: boolean;
  /** Where the entry is written, for a missing file. */
  at: PathSegment[];
}

// The forms compose accepts: a path, or a list of paths and {path, required}.
export function envFileEntries(raw: unknown, at: PathSegment[]): EnvFileEntry[] {
  if (raw === undefined) return [];
  if (typeof raw === "string") return [{ written: raw, required: true, at }];
  return (raw as (string | Raw)[]).map((item, i) =>
    typeof item === "string" ? { written: item, required: true, at: [...at, i] } : { written: item.path as string, required: item.required !== false, at: [...at, i, "path"] },
  );
}

export interface EnvFileContext {
  read: ReadSideFile;
  /** The config file as shown in messages, and its folder: env file names are shown beside it. */
  configShown: string;
  configDir: string;
  /** The interpolation environment (process over .env): what `${VAR}` in a file sees after the file's own lines. */
  env: Readonly<Record<string, string | undefined>>;
  report: (at: PathSegment[], fields: { code: string; message: string; hint: string }) => void;
  diagnostics: Diagnostic[];
  texts: Map<string, string>;
}

type Loaded = { ok: true; file: EnvFile } | { ok: false; missing: boolean; problem: string };

export class EnvFiles {
  private readonly cache = new Map<string, Loaded>();
  private readonly reported = new Set<string>();

  constructor(private readonly context: EnvFileContext) {}

  // Later files win over earlier ones, as in compose.
  valuesOf(entries: readonly EnvFileEntry[], dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of entries) {
      const loaded = this.load(entry, dir);
      if (loaded.ok) Object.assign(out, Object.fromEntries(loaded.file.values));
    }
    return out;
  }

  private load(entry: EnvFileEntry, dir: string): Loaded {
    const absolute = path.resolve(dir, entry.written);
    const shown = path.isAbsolute(entry.written) ? entry.written : shownBeside(this.context.configShown, path.relative(this.context.configDir, absolute));
    let loaded = this.cache.get(absolute);
    if (!loaded) {
      const read = this.context.read(absolute);
      if (read.ok) {
        const file = parseEnvFile(read.text, shown, (name, earlier) => earlier.get(name) ?? this.context.env[name]);
        this.context.diagnostics.push(...file.diagnostics);
        this.context.texts.set(shown, read.text);
        loaded = { ok: true, file };
      } else loaded = read;
      this.cache.set(absolute, loaded);
    }
    if (!loaded.ok && entry.required && !this.reported.has(JSON.stringify(entry.at))) {
      this.reported.add(JSON.stringify(entry.at));
      this.context.report(entry.at, {
        code: loaded.missing ? "env-file-not-found" : "env-file-unreadable",
        message: `env file ${shown} ${loaded.missing ? "not found" : loaded.problem}`,
        hint: `create it, fix the path (relative to the config file's folder), or mark it optional: { path: ${entry.written}, required: false }`,
      });
    }
    return loaded;
  }
}
