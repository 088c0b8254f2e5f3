// Renderings of a Plan: a terminal view, JSON for tools, and diagrams (Mermaid renders
// on GitHub; DOT renders with graphviz). The critical path is highlighted in each.
import type { Config, DependencyEdge } from "../config/types.js";
import { formatDuration } from "../config/duration.js";
import type { Plan } from "../graph/plan.js";
import { visibleText } from "../util/visible-text.js";
import { alignColumns } from "./columns.js";
import type { Forecast } from "../engine/freshness/forecast.js";

export interface PlanView {
  name: string;
  file: string;
  profile: string | undefined;
  concurrency: number;
  /** Tasks with inputs/creates: would the next `up` skip them, and why (forecast.ts). */
  freshness?: ReadonlyMap<number, Forecast>;
}

export function planToJson(plan: Plan, view: PlanView): unknown {
  const onPath = new Set(plan.critical.path);
  const levelOf = new Map<number, number>();
  plan.levels.forEach((level, l) => level.forEach((i) => levelOf.set(i, l)));
  const name = (i: number) => plan.stages[i]?.name as string;
  return {
    name: view.name,
    file: view.file,
    profile: view.profile ?? null,
    concurrency: view.concurrency,
    order: plan.order.map(name),
    levels: plan.levels.map((l) => l.map(name)),
    criticalPath: { stages: plan.critical.path.map(name), estimatedMs: plan.critical.lengthMs },
    stages: plan.stages.map((s, i) => ({
      name: s.name,
      description: s.description ?? null,
      kind: s.kind,
      priority: s.priority,
      dependsOn: s.dependsOn,
      dependencies: s.dependencies.map((d) => ({ stage: d.stage, condition: d.condition, required: d.required, restart: d.restart })),
      level: levelOf.get(i) ?? 0,
      estimatedMs: plan.estimatesMs[i],
      estimateFromHistory: plan.fromHistory[i],
      critical: onPath.has(i),
      // Only tasks with inputs/creates have one: every other stage always runs.
      ...(view.freshness?.has(i) ? { freshness: view.freshness.get(i) } : {}),
    })),
  };
}

export function planToText(plan: Plan, view: PlanView): string[] {
  const name = (i: number) => plan.stages[i]?.name as string;
  const onPath = new Set(plan.critical.path);
  const lines: string[] = [];
  const count = plan.stages.length;
  // The name, file and profile are the user's text (a name may hold a newline): shown, not obeyed.
  lines.push(`Plan for ${visibleText(view.name)} (${visibleText(view.file)}${view.profile ? `, profile ${visibleText(view.profile)}` : ""}): ${count} stage${count === 1 ? "" : "s"}, ${plan.levels.length} level${plan.levels.length === 1 ? "" : "s"}, concurrency ${view.concurrency}`);
  lines.push("");
  lines.push("Levels (stages on one line can run in parallel):");
  plan.levels.forEach((level, l) => lines.push(`  ${String(l + 1).padStart(3)}  ${level.map((i) => (onPath.has(i) ? `${name(i)}*` : name(i))).join("  ")}`));
  lines.push("");
  const anyHistory = plan.fromHistory.some(Boolean);
  const basis = anyHistory ? "estimates from past runs" : "no history yet: 1s per stage";
  lines.push(`Critical path (*), about ${formatDuration(plan.critical.lengthMs)} (${basis}):`);
  lines.push(`  ${plan.critical.path.map(name).join(" -> ")}`);
  lines.push("");
  const rows = [["#", "STAGE", "KIND", "PRIORITY", "DEPENDS ON", "DESCRIPTION"]];
  plan.order.forEach((i, n) => {
    const s = plan.stages[i];
    if (s) rows.push([String(n + 1), s.name, s.kind, s.priority, s.dependencies.map(edgeText).join(", ") || "-", s.description?.replace(/\s+/g, " ").trim() ?? ""]);
  });
  lines.push(...alignColumns(rows));
  if (view.freshness && view.freshness.size > 0) lines.push("", ...freshnessLines(plan, view.freshness));
  return lines;
}

// "migrate  skip: up to date" / "seed  run: inputs changed: db/seed.sql", in plan order.
function freshnessLines(plan: Plan, freshness: ReadonlyMap<number, Forecast>): string[] {
  const rows: string[][] = [];
  for (const i of plan.order) {
    const f = freshness.get(i);
    if (f) rows.push([`  ${plan.stages[i]?.name as string}`, f.upToDate ? `skip: ${f.reason}` : `run: ${visibleText(f.reason)}`]);
  }
  return ["Tasks with inputs/creates (the next `up`, without --force):", ...alignColumns(rows)];
}

// A dependency as the plan shows it: the name, and what differs from the default
// (ready, required, no restart) in brackets: `db (started, optional, restart)`.
function edgeText(edge: DependencyEdge): string {
  const notes = [edge.condition === "ready" ? "" : edge.condition, edge.required ? "" : "optional", edge.restart ? "restart" : ""].filter(Boolean);
  return notes.length > 0 ? `${edge.stage} (${notes.join(", ")})` : edge.stage;
}

const PRIORITY_FILL: Record<string, string> = { critical: "#fde2e1", high: "#fff1d6", medium: "#e3f0ff", low: "#eeeeee" };

function mermaidId(name: string): string {
  return `s_${name.replace(/-/g, "__")}`;
}

export function planToMermaid(plan: Plan): string[] {
  const onPath = new Set(plan.critical.path);
  const lines = ["flowchart LR"];
  for (const s of plan.stages) lines.push(`  ${mermaidId(s.name)}["${s.name}<br/><small>${s.kind} · ${s.priority}</small>"]:::${s.priority}`);
  let edge = 0;
  const criticalEdges: number[] = [];
  plan.stages.forEach((s, i) => {
    for (const dep of s.dependsOn) {
      const d = plan.graph.indexOf.get(dep) as number;
      const onCritical = onPath.has(i) && onPath.has(d) && plan.critical.path.indexOf(i) === plan.critical.path.indexOf(d) + 1;
      lines.push(`  ${mermaidId(dep)} ${onCritical ? "==>" : "-->"} ${mermaidId(s.name)}`);
      if (onCritical) criticalEdges.push(edge);
      edge++;
    }
  });
  for (const [priority, fill] of Object.entries(PRIORITY_FILL)) lines.push(`  classDef ${priority} fill:${fill},stroke:#555`);
  if (plan.critical.path.length > 0) lines.push(`  classDef critpath stroke:#d00,stroke-width:3px`, `  class ${plan.critical.path.map((i) => mermaidId(plan.stages[i]?.name as string)).join(",")} critpath`);
  if (criticalEdges.length > 0) lines.push(`  linkStyle ${criticalEdges.join(",")} stroke:#d00,stroke-width:3px`);
  return lines;
}

export function planToDot(plan: Plan, view: PlanView): string[] {
  const onPath = new Set(plan.critical.path);
  const lines = [`digraph ${JSON.stringify(view.name)} {`, "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="sans-serif"];'];
  plan.stages.forEach((s, i) => {
    const border = onPath.has(i) ? ', color="#dd0000", penwidth=3' : "";
    lines.push(`  ${JSON.stringify(s.name)} [label=${JSON.stringify(`${s.name}\n${s.kind} · ${s.priority}`)}, fillcolor=${JSON.stringify(PRIORITY_FILL[s.priority])}${border}];`);
  });
  plan.stages.forEach((s, i) => {
    for (const dep of s.dependsOn) {
      const d = plan.graph.indexOf.get(dep) as number;
      const critical = onPath.has(i) && plan.critical.path.indexOf(i) === plan.critical.path.indexOf(d) + 1;
      lines.push(`  ${JSON.stringify(dep)} -> ${JSON.stringify(s.name)}${critical ? ' [color="#dd0000", penwidth=3]' : ""};`);
    }
  });
  lines.push("}");
  return lines;
}

export function planViewOf(config: Config, file: string, concurrency = config.settings.concurrency): PlanView {
  return { name: config.name, file, profile: config.profile, concurrency };
}
