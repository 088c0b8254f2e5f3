// Which stages restart with a stage restarted by hand: its dependents whose depends_on
// edge asks for it (`depends_on: [{ stage: db, restart: true }]`), transitively, in
// start order. `edgeAsksRestart` is the one place that reads the edge.
import type { Stage } from "../config/types.js";
import type { Plan } from "../graph/plan.js";

/** Does `dependent`'s depends_on edge to `dependency` say `restart: true`? */
export function edgeAsksRestart(dependent: Stage, dependency: string): boolean {
  return dependent.dependencies.some((edge) => edge.stage === dependency && edge.restart);
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
