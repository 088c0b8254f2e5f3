import { Heap } from "../util/heap.js";
import type { StageGraph } from "./stage-graph.js";

// Pure ordering on an acyclic graph (the config stage rejects cycles before this runs).

// Dependencies first; among stages free at the same time, declaration order (Kahn's
// algorithm with a min-heap on the index), so the order is stable across runs.
export function topologicalOrder(graph: StageGraph): number[] {
  const remaining = graph.deps.map((d) => d.length);
  const heap = new Heap<number>((a, b) => a < b);
  remaining.forEach((count, i) => count === 0 && heap.push(i));
  const order: number[] = [];
  while (heap.size > 0) {
    const node = heap.pop() as number;
    order.push(node);
    for (const dependent of graph.dependents[node] ?? []) {
      remaining[dependent] = (remaining[dependent] as number) - 1;
      if (remaining[dependent] === 0) heap.push(dependent);
    }
  }
  return order;
}

// Level of a stage = length of the longest dependency chain below it, so level k holds
// every stage that could run in the k-th wave (the smallest such level).
export function parallelLevels(graph: StageGraph, order = topologicalOrder(graph)): number[][] {
  const level = new Array<number>(graph.names.length).fill(0);
  const levels: number[][] = [];
  for (const node of order) {
    let mine = 0;
    for (const d of graph.deps[node] ?? []) mine = Math.max(mine, (level[d] as number) + 1);
    level[node] = mine;
    (levels[mine] ??= []).push(node);
  }
  return levels.map((l) => l.sort((a, b) => a - b));
}

export interface CriticalPath {
  /** Stage indices, first to run first. */
  path: number[];
  lengthMs: number;
}

// The chain of dependencies with the largest summed estimate: no schedule can finish
// sooner than this, however many slots it has.
export function criticalPath(graph: StageGraph, estimateMs: readonly number[], order = topologicalOrder(graph)): CriticalPath {
  const finish = new Array<number>(graph.names.length).fill(0);
  const via = new Array<number>(graph.names.length).fill(-1);
  let end = -1;
  for (const node of order) {
    for (const d of graph.deps[node] ?? []) if (via[node] === -1 || (finish[d] as number) > (finish[via[node] as number] as number)) via[node] = d;
    const start = via[node] === -1 ? 0 : (finish[via[node] as number] as number);
    finish[node] = start + (estimateMs[node] ?? 0);
    if (end === -1 || (finish[node] as number) > (finish[end] as number)) end = node;
  }
  const path: number[] = [];
  for (let node = end; node !== -1; node = via[node] as number) path.unshift(node);
  return { path, lengthMs: end === -1 ? 0 : (finish[end] as number) };
}

// For each stage, its estimate plus the longest chain of dependents after it: the
// scheduler runs the stage with the largest value first (critical-path-first list
// scheduling), which keeps the slots busy on the work that bounds the makespan.
export function remainingPathLengths(graph: StageGraph, estimateMs: readonly number[], order = topologicalOrder(graph)): number[] {
  const remaining = new Array<number>(graph.names.length).fill(0);
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k] as number;
    let after = 0;
    for (const d of graph.dependents[node] ?? []) after = Math.max(after, remaining[d] as number);
    remaining[node] = after + (estimateMs[node] ?? 0);
  }
  return remaining;
}
