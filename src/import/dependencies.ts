// compose's and process-compose's `depends_on`, as netra-start's list. Their conditions
// map onto what netra-start waits for: a dependency must be *ready* — healthy when it has
// a health check, exited 0 when it is a task (their `*_completed_successfully`), running
// when it is a service without one. This version has only that short form, so a
// condition that asks for less (`*_started` on a service with a health check) is noted.
import type { PathSegment } from "../config/diagnostic.js";
import type { ImportedStage, Skipped } from "./imported.js";

export type Raw = Record<string, unknown>;

export function isMapping(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function dependencies(raw: unknown, names: Map<string, string>, prefix: "service_" | "process_", stage: ImportedStage, at: PathSegment[], skipped: Skipped[]): string[] {
  const entries: [string, unknown][] = Array.isArray(raw) ? raw.map((name) => [String(name), undefined]) : isMapping(raw) ? Object.entries(raw) : [];
  const notes: string[] = [];
  const list: string[] = [];
  for (const [name, how] of entries) {
    const target = names.get(name);
    if (!target) {
      skipped.push({ path: [...at, name], message: `dependency "${name}" not imported: no such ${prefix === "service_" ? "service" : "process"} in the file` });
      continue;
    }
    list.push(target);
    const condition = isMapping(how) && typeof how.condition === "string" ? how.condition.slice(prefix.length) : undefined;
    // healthy and completed_successfully are what netra-start waits for anyway.
    if (condition === "completed") notes.push(`${target}: ${prefix}completed — netra-start waits until it exited 0`);
    else if (condition !== undefined && condition !== "healthy" && condition !== "completed_successfully") notes.push(`${target}: ${prefix}${condition} — netra-start waits until it is ready`);
    if (isMapping(how) && how.required === false) notes.push(`${target}: required: false — netra-start always requires it (make it priority: low to let the run go on degraded)`);
  }
  if (notes.length > 0) stage.fieldNotes.depends_on = notes.join("; ");
  return list;
}
