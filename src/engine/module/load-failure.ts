// Why a module could not be loaded, in one line: for a syntax error where it is
// (file:line:col) and why, which neither tsx nor Node put in the error's first line.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describeThrown } from "./describe-thrown.js";

export interface SourceLocation {
  file: string;
  line: number;
  /** 1-based, as editors and our config diagnostics count. */
  column: number;
}

export function describeLoadFailure(modulePath: string, error: unknown): string {
  const syntax = transformError(error) ?? javascriptSyntaxError(modulePath, error);
  const why = syntax ? `syntax error at ${formatLocation(syntax.at)}: ${syntax.reason}${syntax.more > 0 ? ` (and ${syntax.more} more)` : ""}` : describeThrown(error, "it");
  return `cannot load module ${modulePath}: ${why}`;
}

interface SyntaxProblem {
  at: SourceLocation;
  reason: string;
  more: number;
}

// tsx compiles TypeScript with esbuild, whose error reaches us as text only:
//   Transform failed with 2 errors:
//   /app/stage.ts:2:20: ERROR: Unexpected ";"
// esbuild counts columns from 0.
export function transformError(error: unknown): SyntaxProblem | undefined {
  const message = messageOf(error);
  if (!message?.startsWith("Transform failed with")) return undefined;
  const problems = message.split("\n").flatMap((line) => {
    const match = /^(.+):(\d+):(\d+): ERROR: (.+)$/.exec(line.trim());
    return match ? [{ at: { file: match[1] as string, line: Number(match[2]), column: Number(match[3]) + 1 }, reason: match[4] as string }] : [];
  });
  const [first] = problems;
  return first ? { ...first, more: problems.length - 1 } : undefined;
}

// Node's SyntaxError for an ES module says why but not where (the location is only
// printed when it is uncaught); CommonJS puts it atop the stack. When it is missing,
// `node --check` on the module prints it — only paid for once loading has failed.
function javascriptSyntaxError(modulePath: string, error: unknown): SyntaxProblem | undefined {
  try {
    if (!(error instanceof SyntaxError) || /\.[cm]?tsx?$/.test(modulePath)) return undefined;
    const at = locationAtop(error.stack ?? "") ?? locationAtop(nodeCheck(modulePath));
    // Not in this file (an import's syntax error, a missing named export): its message says it.
    return at ? { at, reason: error.message, more: 0 } : undefined;
  } catch {
    return undefined; // a Proxy or a getter that throws: describeThrown copes
  }
}

// "file:///app/stage.mjs:2" or "/app/stage.cjs:2", the source line, then a caret under
// the column.
export function locationAtop(text: string): SourceLocation | undefined {
  const [head, , caret] = text.split("\n");
  const match = /^(.+):(\d+)$/.exec(head ?? "");
  if (!match || !/^(file:\/\/)?\//.test(match[1] as string)) return undefined;
  const file = match[1] as string;
  const column = caret && /^\s*\^/.test(caret) ? caret.indexOf("^") + 1 : 1;
  return { file: file.startsWith("file://") ? fileURLToPath(file) : file, line: Number(match[2]), column };
}

function nodeCheck(modulePath: string): string {
  const checked = spawnSync(process.execPath, ["--check", modulePath], { encoding: "utf8", timeout: 10_000 });
  return checked.stderr ?? "";
}

function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}

function messageOf(error: unknown): string | undefined {
  try {
    const message = (error as { message?: unknown } | null)?.message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}
