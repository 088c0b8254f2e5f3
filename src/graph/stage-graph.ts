// The dependency graph as plain arrays of indices: pure, no I/O, fast enough for
// 10 000 stages. Index order is declaration order, which breaks every tie.
export interface GraphNode {
  name: string;
  dependsOn: readonly string[];
}

export interface StageGraph {
  names: string[];
  indexOf: Map<string, number>;
  /** deps[i]: indices that i depends on, in declared order. */
  deps: number[][];
  /** dependents[i]: indices that depend on i, ascending. */
  dependents: number[][];
}

// Unknown dependency names are ignored here: the config stage reports them.
export function buildGraph(nodes: readonly GraphNode[]): StageGraph {
  const names = nodes.map((n) => n.name);
  const indexOf = new Map(names.map((name, i) => [name, i]));
  const deps = nodes.map((n) => n.dependsOn.map((d) => indexOf.get(d)).filter((i): i is number => i !== undefined));
  const dependents: number[][] = names.map(() => []);
  deps.forEach((list, i) => list.forEach((d) => dependents[d]?.push(i)));
  return { names, indexOf, deps, dependents };
}

// The named stages plus everything they depend on, transitively (`up api` → api and its deps).
export function selectWithDependencies(graph: StageGraph, selected: readonly number[]): Set<number> {
  const keep = new Set<number>();
  const stack = [...selected];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (keep.has(i)) continue;
    keep.add(i);
    for (const d of graph.deps[i] ?? []) stack.push(d);
  }
  return keep;
}

// A new graph holding only `keep`, in the same relative order.
export function subgraph<T extends GraphNode>(nodes: readonly T[], keep: ReadonlySet<number>): T[] {
  return nodes.filter((_, i) => keep.has(i));
}
