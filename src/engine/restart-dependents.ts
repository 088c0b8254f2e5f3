// Which stages restart with a stage restarted by hand: its dependents whose depends_on
// edge asks for it, transitively, in start order. The depends_on long form
// (`depends_on: { db: { restart: true } }`) is being added to the config separately;
// `edgeAsksRestart` is the one place that reads it. Until then no edge asks.
import type { Stage } from "../config/types.js";
import type { Plan } from "../graph/plan.js";

/** Hook for the depends_on long form: does `dependent`'s edge to `dependency` say `restart: true`? */
export function edgeAsksRestart(_dependent: Stage, _dependency: string): boolean {
  return false;
}

/** Stages to restart after `index` was restarted, dependencies before dependents. */
export function dependentsToRestart(plan: Plan, index: number): number[] {
  const chosen = new Set<number>([index]);
  for (const i of plan.order) {
    const stage = plan.stages[i];
    if (!stage || chosen.has(i)) continue;
    const deps = plan.graph.deps[i] ?? [];
    if (deps.some((d) => chosen.has(d) && edgeAsksRestart(stage, plan.stages[d]?.name ?? ""))) chosen.add(i);
  }
  chosen.delete(index);
  return plan.order.filter((i) => chosen.has(i));
}
