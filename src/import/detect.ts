// Which kind of file `import` was given: by its name first (Procfile, Procfile.dev,
// process-compose.yaml, compose.yaml, docker-compose.yml…), else by its content.
import path from "node:path";
import type { SourceKind } from "./imported.js";

export function detectKind(file: string, text: string): SourceKind | undefined {
  const base = path.basename(file).toLowerCase();
  if (base === "procfile" || base.startsWith("procfile.")) return "procfile";
  if (base.startsWith("process-compose")) return "process-compose";
  if (/^(docker-)?compose([.-].*)?\.ya?ml$/.test(base)) return "compose";
  // By content: a top-level `processes:` or `services:` key, else `name: command` lines.
  if (/^processes:\s*$/m.test(text)) return "process-compose";
  if (/^services:\s*$/m.test(text)) return "compose";
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (lines.length > 0 && lines.every((l) => /^[A-Za-z0-9_.-]+:\s*\S/.test(l))) return "procfile";
  return undefined;
}
