// `netra-start import FILE`: writes a startup.yaml from a Procfile, a process-compose
// file or a compose file. The converters (src/import/) are pure; this command reads,
// detects, writes, and says on stderr what was not carried over, at file:line:col.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { analyzeConfig } from "../../config/analyze.js";
import { formatDiagnosticLine, hasErrors, sortDiagnostics, type Diagnostic } from "../../config/diagnostic.js";
import { displayPath } from "../../config/load.js";
import { diagnosticAt, parseSource, type ConfigSource } from "../../config/source.js";
import { detectKind } from "../../import/detect.js";
import { fromCompose } from "../../import/compose.js";
import type { Imported, SourceKind } from "../../import/imported.js";
import { fromProcessCompose } from "../../import/process-compose.js";
import { fromProcfile } from "../../import/procfile.js";
import { rebaseEnvFiles } from "../../import/rebase-paths.js";
import { writeConfig } from "../../import/write-config.js";
import { ExitCode, UsageError } from "../exit.js";
import { err, out } from "../io.js";
import { printDiagnostics } from "../load-config.js";
import { cliCommand } from "../invocation.js";

export interface ImportOptions {
  out?: string;
  force?: boolean;
  from?: SourceKind;
}

export async function run(args: string[], options: ImportOptions): Promise<number> {
  const cwd = process.cwd();
  const input = path.resolve(cwd, args[0] ?? "");
  const inputShown = displayPath(input, cwd);
  const target = path.resolve(cwd, options.out ?? "startup.yaml");
  const targetShown = displayPath(target, cwd);
  const text = readInput(input, inputShown);
  const kind = options.from ?? detectKind(input, text);
  if (!kind) throw new UsageError(`cannot tell what kind of file ${inputShown} is`, "name it Procfile, process-compose.yaml or compose.yaml, or pass --from procfile|process-compose|compose");
  if (existsSync(target) && !options.force) throw new UsageError(`${targetShown} already exists; not overwriting it`, "pass --force to replace it, or -o to write another file");

  const converted = convert(kind, inputShown, text);
  if ("diagnostics" in converted) {
    printDiagnostics(converted.diagnostics, text);
    return ExitCode.invalid;
  }
  const { imported, source } = converted;
  if (imported.stages.length === 0) throw new UsageError(`${inputShown} has no ${kind === "procfile" ? "process types" : kind === "compose" ? "services" : "processes"} to import`, "check that it is the file you meant");
  rebaseEnvFiles(imported, path.dirname(input), path.dirname(target));
  writeFileSync(target, writeConfig(imported, path.basename(input)));
  const warnings = imported.skipped.map((skipped) => locateSkipped(skipped, source, inputShown));
  for (const warning of sortDiagnostics(warnings)) err(formatDiagnosticLine(warning));

  // What import writes must load: if it does not, that is said here rather than at `up`.
  const check = analyzeConfig({ config: target });
  if (hasErrors(check.diagnostics)) {
    printDiagnostics(check.diagnostics, check.text);
    return ExitCode.invalid;
  }
  const count = imported.stages.length;
  out(`wrote ${targetShown}: ${count} stage${count === 1 ? "" : "s"} from ${inputShown} (${kind})${imported.skipped.length > 0 ? `; ${imported.skipped.length} thing${imported.skipped.length === 1 ? "" : "s"} not imported, commented in the file` : ""}`);
  const config = targetShown === "startup.yaml" ? "" : ` -c ${targetShown}`;
  out(`next: ${cliCommand()} plan${config}, then ${cliCommand()} up${config}`);
  return ExitCode.ready;
}

function readInput(file: string, shown: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${shown}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code)}`, "give the path of a Procfile, process-compose.yaml or compose.yaml");
  }
}

type Converted = { imported: Imported; source: ConfigSource | undefined } | { diagnostics: Diagnostic[] };

function convert(kind: SourceKind, shown: string, text: string): Converted {
  if (kind === "procfile") return { imported: fromProcfile(text), source: undefined };
  const { source, diagnostics } = parseSource(shown, text);
  if (hasErrors(diagnostics)) return { diagnostics };
  const data: unknown = source.doc.toJS({ maxAliasCount: 100 });
  const imported = kind === "compose" ? fromCompose(data) : fromProcessCompose(data);
  return { imported, source };
}

function locateSkipped(skipped: Imported["skipped"][number], source: ConfigSource | undefined, shown: string): Diagnostic {
  const fields = { code: "not-imported", message: skipped.message, severity: "warning" as const, key: true };
  if (source) return diagnosticAt(source, skipped.path, fields);
  return { ...fields, file: shown, line: skipped.line ?? 0, col: 1, path: "", length: 0 };
}
