// The source's env_file paths are relative to the source file; startup.yaml's to
// startup.yaml. When the two are in different folders (`import ../app/compose.yaml`),
// each relative path is rewritten to name the same file from startup.yaml's folder.
import path from "node:path";
import type { Imported } from "./imported.js";

export function rebaseEnvFiles(imported: Imported, fromDir: string, toDir: string): void {
  if (path.resolve(fromDir) === path.resolve(toDir)) return;
  const rebase = (file: string) => (path.isAbsolute(file) ? file : path.relative(toDir, path.resolve(fromDir, file)) || ".");
  for (const stage of imported.stages) {
    const value = stage.fields.env_file;
    if (typeof value === "string") stage.fields.env_file = rebase(value);
    else if (Array.isArray(value)) stage.fields.env_file = value.map((entry: unknown) => (typeof entry === "string" ? rebase(entry) : { ...(entry as { path: string }), path: rebase((entry as { path: string }).path) }));
  }
}
