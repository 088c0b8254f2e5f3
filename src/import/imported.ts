// What a converter makes of a Procfile, process-compose or compose file: netra-start
// stages plus what could not be carried over, each with where it was written. Pure
// data, turned into startup.yaml text by write-config.ts.
import type { PathSegment } from "../config/diagnostic.js";

export type SourceKind = "procfile" | "process-compose" | "compose";

export interface ImportedStage {
  name: string;
  /** netra-start keys, in the order they are written. */
  fields: Record<string, unknown>;
  /** Comment lines above the stage: what was not imported, or changed on the way. */
  notes: string[];
  /** A comment after one field's value. */
  fieldNotes: Record<string, string>;
}

/** Something of the source that startup.yaml does not carry (told on stderr too). */
export interface Skipped {
  /** Key path in the source file (a line number for a Procfile). */
  path: PathSegment[];
  line?: number;
  message: string;
}

export interface Imported {
  kind: SourceKind;
  name: string | undefined;
  stages: ImportedStage[];
  skipped: Skipped[];
}

export function newStage(name: string): ImportedStage {
  return { name, fields: {}, notes: [], fieldNotes: {} };
}

// A netra-start stage name is lowercase letters, digits, - and _ (at most 63): compose
// allows capitals and dots, a Procfile anything but a colon.
export function stageName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|-+$/g, "")
    .slice(0, 63);
  return name === "" ? "stage" : name;
}

/** netra-start names for the source's names, made unique: "Web" and "web" both become "web" otherwise. */
export function stageNames(keys: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const key of keys) {
    const base = stageName(key);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 60)}-${n}`;
    taken.add(name);
    names.set(key, name);
  }
  return names;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Compose's `environment` (a list of NAME=value or a mapping) as netra-start's `env`. */
export function environment(raw: unknown, at: PathSegment[], skipped: Skipped[]): Record<string, string> {
  const pairs: [string, unknown][] = Array.isArray(raw)
    ? raw.map((item) => {
        const text = String(item);
        const eq = text.indexOf("=");
        return eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
      })
    : raw && typeof raw === "object"
      ? Object.entries(raw)
      : [];
  const env: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (!ENV_NAME.test(name)) skipped.push({ path: [...at, name], message: `environment variable ${JSON.stringify(name)} not imported: not a valid variable name` });
    // A name without a value passes the supervisor's own value on: every stage gets that already.
    else if (value !== null && value !== undefined) env[name] = String(value);
  }
  return env;
}

const GO_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** A compose (Go) duration such as `1m30s`, or a number of seconds, as netra-start's `90s`; undefined when it is neither. */
export function duration(raw: unknown): string | undefined {
  if (typeof raw === "number" && Number.isFinite(raw) && raw >= 0) return `${raw}s`;
  if (typeof raw !== "string" || !/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(raw.trim())) return undefined;
  let ms = 0;
  for (const match of raw.trim().matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(match[1]) * (GO_UNITS[match[2] ?? "s"] ?? 0);
  ms = Math.round(ms);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Short text of a value for a comment: `image: postgres:16`. */
export function shown(key: string, value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `${key}: ${text.length > 100 ? `${text.slice(0, 97)}…` : text}`;
}
