// What the summary says about `required: false`: which stages started although an
// optional dependency of theirs failed or was skipped. Read from the RunState at the end
// of a run; nothing is kept on the side.
import type { RunState } from "./run-state.js";

export function optionalDependencyNote(state: RunState): string | undefined {
  const statusOf = new Map(state.stages.map((e) => [e.stage.name, e.status]));
  const notes: string[] = [];
  for (const entry of state.stages) {
    if (entry.status === "pending" || entry.status === "skipped") continue;
    for (const edge of entry.stage.dependencies) {
      const status = statusOf.get(edge.stage);
      if (!edge.required && (status === "failed" || status === "skipped")) notes.push(`${entry.stage.name} started without ${edge.stage} (optional dependency, ${status})`);
    }
  }
  return notes.length > 0 ? notes.join("; ") : undefined;
}
