// A located problem in the user's config. Every config error is one of these: the
// validator never throws for bad input, it returns all diagnostics at once.
import { visibleText } from "../util/visible-text.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. "unknown-key", "dependency-cycle". */
  code: string;
  /** Path of the config file as the user named it (relative when possible). */
  file: string;
  /** 1-based line and column; 0 when the problem has no position (missing file). */
  line: number;
  col: number;
  /** Key path, e.g. `stages.api.depends_on[1]`; "" for the whole document. */
  path: string;
  message: string;
  hint?: string;
  /** Length of the offending source text, for underlining; 0 when unknown. */
  length: number;
}

export type PathSegment = string | number;

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// Formats a key path the way users write it in docs: stages.api.depends_on[1].
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

// Position order is what a reader expects when walking the file top to bottom.
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.path.localeCompare(b.path),
  );
}

// One greppable line per diagnostic, as in the contract:
// `startup.yaml:14:18 stages.api.depends_on[1]: unknown stage "databse" (did you mean "database"?)`
// It quotes the user's keys and values, which may hold a \r or an escape: made visible text.
export function formatDiagnosticLine(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const level = d.severity === "warning" ? "warning: " : "";
  const path = d.path ? `${d.path}: ` : "";
  const hint = d.hint ? ` (${d.hint})` : "";
  return visibleText(`${where} ${level}${path}${d.message}${hint}`);
}

// The source line with a caret underline, shown below the diagnostic line in text output.
export function formatCodeFrame(d: Diagnostic, source: string | undefined): string[] {
  if (!source || d.line <= 0) return [];
  const text = source.split(/\r?\n/)[d.line - 1];
  if (text === undefined || text.length > 300) return [];
  const gutter = String(d.line);
  const width = Math.max(1, Math.min(d.length || 1, text.length - d.col + 1));
  return [
    `  ${gutter} | ${visibleText(text.replace(/\t/g, " "))}`,
    `  ${" ".repeat(gutter.length)} | ${" ".repeat(Math.max(0, d.col - 1))}${"^".repeat(width)}`,
  ];
}
