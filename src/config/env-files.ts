// `.env` beside the config and the files named by `env_file`, read and parsed with their
// problems located in those files (docs/config.md, "Environment files"). The reading
// itself is injected (load.ts's readSideFile), so this stays testable without a disk.
import path from "node:path";
import type { Diagnostic } from "./diagnostic.js";
import { parseDotenv, type DotenvLookup } from "./dotenv.js";
import type { ReadSideFile } from "./load.js";

export interface EnvFile {
  values: Map<string, string>;
  diagnostics: Diagnostic[];
  /** The file's text, for code frames under its diagnostics. */
  text: string;
}

/** A path written in the config, shown as the user would write it from where they stand. */
export function shownBeside(configShown: string, written: string): string {
  return path.isAbsolute(written) ? written : path.normalize(path.join(path.dirname(configShown), written));
}

export function parseEnvFile(text: string, shown: string, lookup: DotenvLookup): EnvFile {
  const { values, problems } = parseDotenv(text, lookup);
  const diagnostics = problems.map(
    (p): Diagnostic => ({ severity: "error", code: "env-file-syntax", file: shown, line: p.line, col: p.col, path: "", message: p.message, hint: p.hint, length: p.length }),
  );
  return { values, diagnostics, text };
}

// `.env` beside the config, as compose reads it: for interpolation only, the process
// environment winning over it; inside it, `${VAR}` sees the process environment first,
// then the lines above. No file, no variables.
export function loadDotenv(configPath: string, configShown: string, env: Readonly<Record<string, string | undefined>>, read: ReadSideFile): EnvFile | undefined {
  const absolute = path.join(path.dirname(configPath), ".env");
  const shown = shownBeside(configShown, ".env");
  const file = read(absolute);
  if (!file.ok) {
    if (file.missing) return undefined;
    const problem: Diagnostic = { severity: "error", code: "env-file-unreadable", file: shown, line: 0, col: 0, path: "", message: `${shown} ${file.problem}`, hint: "fix the file, or remove it: netra-start reads .env beside the config when it exists", length: 0 };
    return { values: new Map(), diagnostics: [problem], text: "" };
  }
  return parseEnvFile(file.text, shown, (name, earlier) => env[name] ?? earlier.get(name));
}
