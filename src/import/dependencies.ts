// compose's and process-compose's `depends_on`, as netra-start's. A dependency is written
// as its plain name when netra-start's default (`condition: ready`, required) says what
// the source meant, and in the long form (`{ stage, condition, required, restart }`,
// docs/config.md "Dependency conditions") only where it differs, so imports stay short.
import type { PathSegment } from "../config/diagnostic.js";
import type { ImportedStage, Skipped } from "./imported.js";

export type Raw = Record<string, unknown>;

export function isMapping(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Prefix = "service_" | "process_";

/** netra-start's long form of one edge; only the keys that differ from the default are set. */
export interface DependencyEdge {
  stage: string;
  condition?: "started" | "completed";
  required?: false;
  restart?: true;
}

// The source's condition (without its prefix) as netra-start's; undefined is `ready`.
// healthy is ready; completed_successfully is completed (its target becomes a task);
// process-compose's `process_completed` (any exit) is completed but not required.
const CONDITIONS: Record<string, Pick<DependencyEdge, "condition" | "required">> = {
  started: { condition: "started" },
  healthy: {},
  completed_successfully: { condition: "completed" },
  completed: { condition: "completed", required: false },
};

/** Conditions whose target runs to completion, so it is imported as a task. */
export function waitsForCompletion(condition: unknown, prefix: Prefix): boolean {
  return condition === `${prefix}completed_successfully` || (prefix === "process_" && condition === "process_completed");
}

export function dependencies(raw: unknown, names: Map<string, string>, prefix: Prefix, stage: ImportedStage, at: PathSegment[], skipped: Skipped[]): (string | DependencyEdge)[] {
  const entries: [string, unknown][] = Array.isArray(raw) ? raw.map((name) => [String(name), undefined]) : isMapping(raw) ? Object.entries(raw) : [];
  const notes: string[] = [];
  const list: (string | DependencyEdge)[] = [];
  for (const [name, how] of entries) {
    const target = names.get(name);
    if (!target) {
      skipped.push({ path: [...at, name], message: `dependency "${name}" not imported: no such ${prefix === "service_" ? "service" : "process"} in the file` });
      continue;
    }
    const written = isMapping(how) && typeof how.condition === "string" ? how.condition : undefined;
    const known = written?.startsWith(prefix) ? CONDITIONS[written.slice(prefix.length)] : undefined;
    // process_log_ready and the like: netra-start waits for ready (a health check), said in a comment.
    if (written !== undefined && !known) notes.push(`${target}: ${written} — netra-start waits until it is ready`);
    const edge: DependencyEdge = { stage: target, ...known };
    if (isMapping(how) && how.required === false) edge.required = false;
    if (isMapping(how) && how.restart === true) edge.restart = true;
    if (edge.required === false) notes.push(`${target}: not required, but if it is critical its failure still ends the run (priority: low lets the run go on)`);
    list.push(Object.keys(edge).length === 1 ? target : edge);
  }
  if (notes.length > 0) stage.fieldNotes.depends_on = notes.join("; ");
  return list;
}
