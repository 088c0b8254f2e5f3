// `netra-start stop [STAGE…]` (cli/commands/control-stages.ts): no names stops every running service.
import type { CommonOptions } from "../options.js";
import { controlStages } from "./control-stages.js";

export function run(stages: string[], options: CommonOptions & { format?: string }): Promise<number> {
  return controlStages("stop", stages, options);
}
