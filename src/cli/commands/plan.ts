import { buildPlan, selectStages } from "../../graph/plan.js";
import { planToDot, planToJson, planToMermaid, planToText, planViewOf } from "../../output/plan-format.js";
import { type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { UsageError } from "../exit.js";
import { out } from "../io.js";

export async function run(names: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const { config, analysis } = loadConfigOrExit(options);
  const selection = selectStages(config, names);
  if (!selection.ok) throw new UsageError(`unknown stage "${selection.unknown}"`, selection.hint ?? "run `netra-start plan` to list the stages");
  const plan = buildPlan(selection.stages);
  const view = planViewOf(config, analysis.location.shown);
  switch (options.format) {
    case "json":
      out(JSON.stringify(planToJson(plan, view), null, 2));
      break;
    case "mermaid":
      out(planToMermaid(plan).join("\n"));
      break;
    case "dot":
      out(planToDot(plan, view).join("\n"));
      break;
    default:
      out(planToText(plan, view).join("\n"));
  }
  return 0;
}
