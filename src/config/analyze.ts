// The config stage's entry point: file → typed Config, or every diagnostic at once.
// Later stages receive only a Config that passed here (wireit's analyzer/executor split).
import { createHash } from "node:crypto";
import type { Diagnostic } from "./diagnostic.js";
import { hasErrors, sortDiagnostics } from "./diagnostic.js";
import { findConfig, readConfig, readSideFile, type ConfigLocation, type ReadSideFile } from "./load.js";
import { loadDotenv, shownBeside } from "./env-files.js";
import { includeFiles } from "./include.js";
import { checkDurations } from "./check-durations.js";
import { checkProfile, inProfile } from "./check-profiles.js";
import { checkReferencesOnly, isPlainObject, resolveConfig } from "./resolve.js";
import { findAliasBomb, MAX_ALIAS_EXPANSIONS, type AliasBomb } from "./document-walk.js";
import { parseSource, toLocation, type ConfigSource } from "./source.js";
import type { Config } from "./types.js";
import { validateAgainstSchema } from "./validate-schema.js";


export interface AnalyzeOptions {
  config?: string;
  profile?: string;
  /** With no profile chosen, check every profile too (`validate`). */
  allProfiles?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Analysis {
  location: ConfigLocation;
  /** Present when the file was read: used to print code frames. */
  text: string | undefined;
  config: Config | undefined;
  diagnostics: Diagnostic[];
  /** The profiles checked besides the file itself. */
  profilesChecked?: string[];
  /** Text of every file a diagnostic may point into (the config, .env, env files), by shown name. */
  texts?: ReadonlyMap<string, string>;
}

export function analyzeConfig(options: AnalyzeOptions = {}): Analysis {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const location = findConfig(options.config, env, cwd);
  const read = readConfig(location);
  if (!read.ok) return { location, text: undefined, config: undefined, diagnostics: [read.diagnostic] };
  const hash = createHash("sha256").update(read.bytes).digest("hex");
  const dotenv = loadDotenv(location.path, location.shown, env, readSideFile);
  // The process environment wins over .env, as in compose.
  const withDotenv = dotenv ? { ...Object.fromEntries(dotenv.values), ...env } : env;
  const result = analyzeText(location.shown, read.text, {
    configPath: location.path,
    hash,
    profile: options.profile ?? env.NETRA_START_PROFILE,
    allProfiles: options.allProfiles,
    env: withDotenv,
    dotenv: dotenv ? Object.fromEntries(dotenv.values) : {},
    readSideFile,
  });
  // A mistake in .env is reported with the config's own: every problem at once.
  const dotenvProblems = dotenv?.diagnostics ?? [];
  const texts = new Map([[location.shown, read.text], ...(dotenv ? [[shownBeside(location.shown, ".env"), dotenv.text] as const] : []), ...(result.texts ?? [])]);
  if (dotenvProblems.length === 0) return { location, text: read.text, ...result, texts };
  return { location, text: read.text, ...result, config: hasErrors(dotenvProblems) ? undefined : result.config, diagnostics: sortDiagnostics([...dotenvProblems, ...result.diagnostics]), texts };
}

export function analyzeText(
  file: string,
  text: string,
  options: {
    configPath: string;
    hash?: string;
    profile?: string | undefined;
    allProfiles?: boolean;
    env?: Readonly<Record<string, string | undefined>>;
    /** Variables read from .env (already in `env`, under the process's): redacted like any. */
    dotenv?: Readonly<Record<string, string>>;
    readSideFile?: ReadSideFile;
  },
): { config: Config | undefined; diagnostics: Diagnostic[]; profilesChecked?: string[]; texts?: ReadonlyMap<string, string> } {
  const { source, diagnostics } = parseSource(file, text);
  // A repeated key leaves a well-formed document (the later value wins, as in yaml), so
  // the checks below still run: the user learns of every mistake at once.
  if (diagnostics.some((d) => d.severity === "error" && d.code !== "yaml-duplicate-key")) return { config: undefined, diagnostics: sortDiagnostics(diagnostics) };
  const own = toData(source, diagnostics);
  if (own === undefined) return { config: undefined, diagnostics: sortDiagnostics(diagnostics) };
  const inclusion = includeFiles(source, own, options.configPath, options.readSideFile ?? readSideFile);
  const data = inclusion.data;
  diagnostics.push(...inclusion.diagnostics);
  const texts = new Map<string, string>(inclusion.texts);
  diagnostics.push(...validateAgainstSchema(source, data), ...checkDurations(source, data));
  if (hasErrors(diagnostics)) {
    diagnostics.push(...checkReferencesOnly(source, data));
    return { config: undefined, diagnostics: sortDiagnostics(dedupe(diagnostics)), texts };
  }
  const profile = options.profile || undefined;
  // The chosen profile is checked as the config it makes; with none chosen, `validate`
  // checks every profile, each problem saying which profile it comes from.
  const profiles = profile !== undefined ? [profile] : options.allProfiles ? Object.keys(isPlainObject(data.profiles) ? data.profiles : {}) : [];
  for (const name of profiles) diagnostics.push(...checkProfile(source, data, name));
  // Included files are part of what a run was started from.
  const ownHash = options.hash ?? createHash("sha256").update(text).digest("hex");
  const hash = inclusion.texts.size === 0 ? ownHash : createHash("sha256").update([ownHash, ...inclusion.texts.values()].join("\0")).digest("hex");
  const resolveWith = (name: string | undefined) =>
    resolveConfig({
      source,
      data,
      configPath: options.configPath,
      hash,
      stageDirs: inclusion.stageDirs,
      profile: name,
      env: options.env ?? process.env,
      dotenv: options.dotenv ?? {},
      readSideFile: options.readSideFile ?? readSideFile,
      texts,
    });
  const resolved = resolveWith(profile);
  diagnostics.push(...resolved.diagnostics);
  if (profile === undefined) {
    // What a profile changes after the shape (references, cycles, interpolation): only
    // what the file alone does not already report.
    const seen = new Set(resolved.diagnostics.map(diagnosticKey));
    for (const name of profiles)
      diagnostics.push(...resolveWith(name).diagnostics.filter((d) => !seen.has(diagnosticKey(d))).map((d) => inProfile(name, d)));
  }
  const ok = !hasErrors(diagnostics);
  return { config: ok ? resolved.config : undefined, diagnostics: sortDiagnostics(dedupe(diagnostics)), profilesChecked: profiles, texts };
}

// One problem at one spot, whichever check (or profile) found it first.
function diagnosticKey(d: Diagnostic): string {
  return `${d.line}:${d.col}:${d.code}:${d.message.replace(/^profile "[^"]*": /, "")}`;
}

function toData(source: ConfigSource, diagnostics: Diagnostic[]): Record<string, unknown> | undefined {
  const problem = (code: string, message: string, hint: string): undefined => {
    diagnostics.push({ severity: "error", code, file: source.file, line: 1, col: 1, path: "", message, hint, length: 0 });
    return undefined;
  };
  if (source.doc.contents === null || source.text.trim() === "")
    return problem("config-empty", "config file is empty", "start from `netra-start init`, or add `version: 1` and a `stages:` mapping");
  const bomb = findAliasBomb(source.doc);
  if (bomb) return void diagnostics.push(aliasLimit(source, bomb));
  let data: unknown;
  try {
    // yaml's own alias limit stays as a safety net; findAliasBomb counts at least as much.
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) return void diagnostics.push(aliasLimit(source, undefined));
    throw error;
  }
  if (!isPlainObject(data))
    return problem("config-not-mapping", `config must be a mapping of keys, got ${Array.isArray(data) ? "a list" : `a ${typeof data}`}`, "start the file with `version: 1` and a `stages:` mapping");
  return data;
}

// At the alias that took the count past the limit (the file's start if only yaml's own check caught it).
function aliasLimit(source: ConfigSource, bomb: AliasBomb | undefined): Diagnostic {
  const at = bomb ? toLocation(source, bomb.alias) : { line: 1, col: 1, length: 0 };
  return {
    severity: "error",
    code: "yaml-alias-limit",
    file: source.file,
    ...at,
    path: "",
    message: `too many alias expansions (over ${MAX_ALIAS_EXPANSIONS})${bomb ? `: this alias brings them to ${bomb.expansions}` : ""}`,
    hint: "use fewer YAML aliases (*name), or write the values out; this limit protects against alias bombs",
  };
}

// The schema and the reference check can both flag one spot (e.g. a non-string in
// depends_on); say it once.
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = diagnosticKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
