// `include:` — other files whose stages and settings join the config's, as compose's
// `include` does. Paths are relative to the including file; included files may include
// others. A stage defined in two files is an error naming both places, a file that
// includes itself (through any chain) is an error at the entry that closes the cycle.
// Each included file keeps its own parsed source, so every later diagnostic about its
// stages points into it (source.ts, ownerOf).
import path from "node:path";
import type { Diagnostic } from "./diagnostic.js";
import { MAX_ALIAS_EXPANSIONS } from "./document-walk.js";
import { shownBeside } from "./env-files.js";
import type { ReadSideFile } from "./load.js";
import { deepMerge, isPlainObject } from "./resolve.js";
import { diagnosticAt, locate, parseSource, type ConfigSource } from "./source.js";

type Raw = Record<string, unknown>;

/** What an included file may hold: the rest (profiles, defaults…) belongs to the main config. */
const INCLUDABLE_KEYS = new Set(["version", "stages", "settings", "include"]);

export interface Inclusion {
  /** The config's data with every included stage and setting merged in. */
  data: Raw;
  diagnostics: Diagnostic[];
  /** Text of each included file, by shown name: for code frames and the config hash. */
  texts: Map<string, string>;
  /** The folder of the file that defines each included stage: its relative paths resolve there. */
  stageDirs: Map<string, string>;
}

export function includeFiles(root: ConfigSource, data: Raw, configPath: string, read: ReadSideFile): Inclusion {
  const result: Inclusion = { data, diagnostics: [], texts: new Map(), stageDirs: new Map() };
  if (data.include === undefined) return result;
  const included: ConfigSource[] = [];
  root.included = included;
  const home = new Map<string, ConfigSource>(Object.keys(isPlainObject(data.stages) ? data.stages : {}).map((name) => [name, root]));
  const stages: Raw = { ...(isPlainObject(data.stages) ? data.stages : {}) };
  let settings: Raw = isPlainObject(data.settings) ? data.settings : {};
  const loaded = new Set<string>([path.resolve(configPath)]);
  const shownOf = (absolute: string) => shownBeside(root.file, path.relative(path.dirname(configPath), absolute));

  const visit = (source: ConfigSource, raw: Raw, absolute: string, chain: string[]): void => {
    const entries = Array.isArray(raw.include) ? raw.include : [];
    entries.forEach((written, i) => {
      if (typeof written !== "string" || written === "") return; // the schema says what is wrong
      const target = path.resolve(path.dirname(absolute), written);
      const at = ["include", i];
      if (chain.includes(target)) {
        const cycle = [...chain.slice(chain.indexOf(target)), target].map(shownOf);
        result.diagnostics.push(diagnosticAt(source, at, { code: "include-cycle", message: `include cycle: ${cycle.join(" -> ")}`, hint: "remove one of these includes" }));
        return;
      }
      if (loaded.has(target)) return; // included twice along different paths: once is enough
      loaded.add(target);
      const shown = shownOf(target);
      const file = read(target);
      if (!file.ok) {
        result.diagnostics.push(diagnosticAt(source, at, { code: "include-not-found", message: `included file ${shown} ${file.missing ? "not found" : file.problem}`, hint: "fix the path (relative to the including file's folder), or remove the entry" }));
        return;
      }
      const parsed = parseSource(shown, file.text);
      result.diagnostics.push(...parsed.diagnostics);
      result.texts.set(shown, file.text);
      if (parsed.diagnostics.some((d) => d.severity === "error")) return;
      const content = toData(parsed.source, result.diagnostics);
      if (!content) return;
      included.push(parsed.source);
      for (const key of Object.keys(content))
        if (!INCLUDABLE_KEYS.has(key) && !key.startsWith("x-"))
          result.diagnostics.push(diagnosticAt(parsed.source, [key], { code: "not-includable", message: `"${key}" cannot be used in an included file`, hint: "an included file holds stages, settings, include and x-* keys; put profiles and defaults in the main config", key: true }));
      for (const [name, stage] of Object.entries(isPlainObject(content.stages) ? content.stages : {})) {
        const first = home.get(name);
        if (first) {
          const there = locate(first, ["stages", name], { key: true });
          result.diagnostics.push(diagnosticAt(parsed.source, ["stages", name], { code: "duplicate-stage", message: `stage "${name}" is also defined at ${first.file}:${there.line}:${there.col}`, hint: "stage names are shared by every included file: rename one of them, or remove one definition", key: true }));
          continue;
        }
        home.set(name, parsed.source);
        stages[name] = stage;
        result.stageDirs.set(name, path.dirname(target));
      }
      // The including file's settings win over what it includes.
      if (isPlainObject(content.settings)) settings = deepMerge(content.settings, settings);
      visit(parsed.source, content, target, [...chain, target]);
    });
  };
  visit(root, data, path.resolve(configPath), [path.resolve(configPath)]);
  result.data = { ...data, stages, ...(Object.keys(settings).length > 0 ? { settings } : {}) };
  return result;
}

function toData(source: ConfigSource, diagnostics: Diagnostic[]): Raw | undefined {
  let content: unknown;
  try {
    content = source.doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch {
    diagnostics.push(diagnosticAt(source, [], { code: "yaml-alias-limit", message: `too many alias expansions (over ${MAX_ALIAS_EXPANSIONS})`, hint: "use fewer YAML aliases (*name), or write the values out" }));
    return undefined;
  }
  if (isPlainObject(content)) return content;
  diagnostics.push(diagnosticAt(source, [], { code: "config-not-mapping", message: "an included file must be a mapping of keys", hint: "write `stages:` (and `settings:`) at the top level of the included file" }));
  return undefined;
}
