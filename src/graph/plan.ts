// The plan of a run: which stages, in which order, in which parallel levels, and the
// critical path under the given duration estimates. Pure: `plan` prints it, `up` runs it.
import type { Config, Stage } from "../config/types.js";
import { didYouMean } from "../config/suggest.js";
import { criticalPath, parallelLevels, remainingPathLengths, topologicalOrder } from "./order.js";
import { buildGraph, selectWithDependencies, subgraph, type StageGraph } from "./stage-graph.js";

/** Estimate for a stage that has no history yet: equal weights make the critical path the longest chain. */
export const DEFAULT_ESTIMATE_MS = 1000;

export interface Plan {
  stages: Stage[];
  graph: StageGraph;
  order: number[];
  levels: number[][];
  /** Per stage index: estimated duration, and whether it came from history. */
  estimatesMs: number[];
  fromHistory: boolean[];
  /** Per stage index: estimate of the longest chain from this stage to the end. */
  remainingMs: number[];
  critical: { path: number[]; lengthMs: number };
}

export type Selection = { ok: true; stages: Stage[] } | { ok: false; unknown: string; hint: string | undefined };

export function selectStages(config: Config, names: readonly string[]): Selection {
  if (names.length === 0) return { ok: true, stages: config.stages };
  const graph = buildGraph(config.stages);
  const picked: number[] = [];
  for (const name of names) {
    const index = graph.indexOf.get(name);
    if (index === undefined) return { ok: false, unknown: name, hint: didYouMean(name, graph.names) };
    picked.push(index);
  }
  return { ok: true, stages: subgraph(config.stages, selectWithDependencies(graph, picked)) };
}

export function buildPlan(stages: Stage[], history: ReadonlyMap<string, number> = new Map()): Plan {
  const graph = buildGraph(stages);
  const order = topologicalOrder(graph);
  const fromHistory = stages.map((s) => history.has(s.name));
  const estimatesMs = stages.map((s) => history.get(s.name) ?? DEFAULT_ESTIMATE_MS);
  return {
    stages,
    graph,
    order,
    levels: parallelLevels(graph, order),
    estimatesMs,
    fromHistory,
    remainingMs: remainingPathLengths(graph, estimatesMs, order),
    critical: criticalPath(graph, estimatesMs, order),
  };
}
