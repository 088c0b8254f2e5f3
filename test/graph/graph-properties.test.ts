// Property tests on seeded random DAGs: the pure graph code against brute force.
import { describe, expect, it } from "vitest";
import { findCycles } from "../../src/graph/cycles.js";
import { criticalPath, parallelLevels, remainingPathLengths, topologicalOrder } from "../../src/graph/order.js";
import { buildGraph, selectWithDependencies, type StageGraph } from "../../src/graph/stage-graph.js";

// Small deterministic PRNG (mulberry32) so a failing seed can be replayed.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDag(seed: number, size: number, density = 0.15) {
  const random = rng(seed);
  const nodes = Array.from({ length: size }, (_, i) => ({
    name: `s${i}`,
    // Edges only to earlier indices: acyclic by construction.
    dependsOn: Array.from({ length: i }, (_, j) => j).filter(() => random() < density).map((j) => `s${j}`),
  }));
  const weights = nodes.map(() => Math.floor(random() * 500) + 1);
  return { nodes, weights, graph: buildGraph(nodes) };
}

// Longest weighted path ending at each node, by exhaustive recursion (exponential-free
// memo-less enumeration of all paths would be too slow; this is the definition).
function bruteLongestPath(graph: StageGraph, weights: number[]): number {
  let best = 0;
  const walk = (node: number, sum: number) => {
    const total = sum + (weights[node] as number);
    best = Math.max(best, total);
    for (const next of graph.dependents[node] ?? []) walk(next, total);
  };
  graph.names.forEach((_, i) => (graph.deps[i]?.length === 0 ? walk(i, 0) : undefined));
  return best;
}

describe("graph properties on random DAGs", () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}`, () => {
      const { graph, weights } = randomDag(seed, 5 + (seed % 14), 0.1 + (seed % 5) * 0.08);
      const order = topologicalOrder(graph);
      // Every node once, every edge respected.
      expect([...order].sort((a, b) => a - b)).toEqual(graph.names.map((_, i) => i));
      const position = new Map(order.map((node, k) => [node, k]));
      graph.deps.forEach((deps, i) => deps.forEach((d) => expect(position.get(d)).toBeLessThan(position.get(i) as number)));

      // Levels: every edge goes to a strictly lower level, and each node sits exactly one
      // above its highest dependency (minimal).
      const levelOf = new Map<number, number>();
      parallelLevels(graph).forEach((level, l) => level.forEach((n) => levelOf.set(n, l)));
      graph.deps.forEach((deps, i) => {
        const expected = deps.length === 0 ? 0 : Math.max(...deps.map((d) => (levelOf.get(d) as number) + 1));
        expect(levelOf.get(i)).toBe(expected);
      });

      // Critical path: equals the brute-force longest path, and is a real chain.
      const critical = criticalPath(graph, weights);
      expect(critical.lengthMs).toBe(bruteLongestPath(graph, weights));
      expect(critical.path.reduce((sum, n) => sum + (weights[n] as number), 0)).toBe(critical.lengthMs);
      for (let k = 1; k < critical.path.length; k++) expect(graph.deps[critical.path[k] as number]).toContain(critical.path[k - 1]);

      // Remaining path of a source is at most the critical path, and the max equals it.
      const remaining = remainingPathLengths(graph, weights);
      expect(Math.max(...remaining)).toBe(critical.lengthMs);

      expect(findCycles(graph)).toEqual([]);
    });
  }

  it("finds every injected cycle, as a real path", () => {
    for (let seed = 100; seed < 140; seed++) {
      const random = rng(seed);
      const { nodes } = randomDag(seed, 12, 0.2);
      // Inject a back edge from an early node to a later one: a cycle exists iff the later
      // node (transitively) depends on the early one; add that dependency to be sure.
      const a = Math.floor(random() * 6);
      const b = 6 + Math.floor(random() * 6);
      (nodes[b] as { dependsOn: string[] }).dependsOn.push(`s${a}`);
      (nodes[a] as { dependsOn: string[] }).dependsOn.push(`s${b}`);
      const graph = buildGraph(nodes);
      const cycles = findCycles(graph);
      expect(cycles.length).toBeGreaterThan(0);
      for (const cycle of cycles) {
        cycle.forEach((node, k) => expect(graph.deps[node]).toContain(cycle[(k + 1) % cycle.length]));
      }
      expect(cycles.some((c) => c.includes(a) && c.includes(b))).toBe(true);
    }
  });

  it("reports one cycle per strongly connected component, and self-loops", () => {
    const graph = buildGraph([
      { name: "a", dependsOn: ["b"] },
      { name: "b", dependsOn: ["a"] },
      { name: "c", dependsOn: ["c"] },
      { name: "d", dependsOn: ["e"] },
      { name: "e", dependsOn: ["f"] },
      { name: "f", dependsOn: ["d"] },
      { name: "g", dependsOn: ["a"] },
    ]);
    expect(findCycles(graph).map((c) => c.map((i) => graph.names[i]))).toEqual([["a", "b"], ["c"], ["d", "e", "f"]]);
  });

  it("breaks ties by declaration order", () => {
    const graph = buildGraph([
      { name: "z", dependsOn: [] },
      { name: "a", dependsOn: [] },
      { name: "m", dependsOn: ["z"] },
      { name: "b", dependsOn: [] },
    ]);
    expect(topologicalOrder(graph).map((i) => graph.names[i])).toEqual(["z", "a", "m", "b"]);
  });

  it("selects the named stages and everything they depend on", () => {
    const graph = buildGraph([
      { name: "config", dependsOn: [] },
      { name: "db", dependsOn: ["config"] },
      { name: "cache", dependsOn: ["config"] },
      { name: "api", dependsOn: ["db"] },
      { name: "metrics", dependsOn: ["api"] },
    ]);
    expect([...selectWithDependencies(graph, [3])].sort()).toEqual([0, 1, 3]);
  });

  it("handles a 10 000-stage chain without recursion limits", () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ name: `s${i}`, dependsOn: i === 0 ? [] : [`s${i - 1}`] }));
    nodes[0] = { name: "s0", dependsOn: ["s9999"] };
    const cycles = findCycles(buildGraph(nodes));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(10_000);
  });
});
