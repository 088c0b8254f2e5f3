// `plan`: which tasks with inputs/creates the next `up` would skip, and why the others
// would run — without running anything. An upstream task that is up to date passes on its
// recorded outputs, as in a run; one that will run first is taken to give what it gave
// last time, and when only upstream outputs then decide, the plan says so.
import type { Plan } from "../../graph/plan.js";
import { checkFreshness, isFingerprinted, type FreshnessOptions } from "./freshness.js";

export interface Forecast {
  upToDate: boolean;
  reason: string;
}

export function forecastFreshness(plan: Plan, options: FreshnessOptions): Map<number, Forecast> {
  const forecasts = new Map<number, Forecast>();
  const outputs = new Map<number, Record<string, string>>();
  const runs = new Set<number>();
  for (const i of plan.order) {
    const stage = plan.stages[i];
    if (!stage) continue;
    const upstream = upstreamOf(plan, i);
    if (!isFingerprinted(stage)) {
      runs.add(i);
      continue;
    }
    const known = new Map<string, Record<string, string>>();
    for (const u of upstream) {
      const o = outputs.get(u);
      if (o && Object.keys(o).length > 0) known.set(plan.stages[u]?.name as string, o);
    }
    const verdict = checkFreshness(stage, known, options);
    const firstRunning = [...upstream].find((u) => runs.has(u));
    if (verdict.upToDate) outputs.set(i, verdict.outputs);
    else runs.add(i);
    const undecided = !verdict.upToDate && verdict.reason === "dependency outputs changed" && firstRunning !== undefined;
    forecasts.set(i, undecided ? { upToDate: false, reason: `decided after ${plan.stages[firstRunning]?.name} runs (its outputs may change)` } : { upToDate: verdict.upToDate, reason: verdict.reason });
  }
  return forecasts;
}

// Every stage upstream of i (outputs flow to all of them, not only direct dependents), in plan order.
function upstreamOf(plan: Plan, i: number): Set<number> {
  const seen = new Set<number>();
  const stack = [...(plan.graph.deps[i] ?? [])];
  while (stack.length > 0) {
    const d = stack.pop() as number;
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...(plan.graph.deps[d] ?? []));
  }
  return seen;
}
