import type { StageGraph } from "./stage-graph.js";

// Every dependency cycle, as a path of stage indices [a, b, c] meaning
// a depends on b, b on c, c on a. One cycle per strongly connected component (Tarjan,
// iterative), the shortest through its first-declared stage, so the message is short
// and points at something the user wrote.
export function findCycles(graph: StageGraph): number[][] {
  const cycles: number[][] = [];
  for (const component of stronglyConnectedComponents(graph)) {
    const first = Math.min(...component);
    const selfLoop = component.length === 1 && (graph.deps[first] ?? []).includes(first);
    if (component.length > 1 || selfLoop) cycles.push(shortestCycleThrough(graph, first, new Set(component)));
  }
  return cycles.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

function shortestCycleThrough(graph: StageGraph, start: number, within: ReadonlySet<number>): number[] {
  const parent = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    for (const next of graph.deps[node] ?? []) {
      if (!within.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(parent.get(path[0] as number) as number);
        return path;
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

export function stronglyConnectedComponents(graph: StageGraph): number[][] {
  const n = graph.names.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    // Explicit call stack of [node, next edge position].
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [node, edge] = frame;
      const edges = graph.deps[node] ?? [];
      if (edge < edges.length) {
        frame[1]++;
        const next = edges[edge] as number;
        if (index[next] === -1) {
          index[next] = low[next] = counter++;
          stack.push(next);
          onStack[next] = true;
          work.push([next, 0]);
        } else if (onStack[next]) {
          low[node] = Math.min(low[node] as number, index[next] as number);
        }
        continue;
      }
      work.pop();
      const caller = work[work.length - 1];
      if (caller) low[caller[0]] = Math.min(low[caller[0]] as number, low[node] as number);
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = false;
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}
