// `netra-start restart STAGE…` (cli/commands/control-stages.ts).
import type { CommonOptions } from "../options.js";
import { controlStages } from "./control-stages.js";

export function run(stages: string[], options: CommonOptions & { format?: string }): Promise<number> {
  return controlStages("restart", stages, options);
}
