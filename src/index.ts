// The package's public types, for users writing module stages:
//   import type { StageContext, StageModule } from "netra-start";

export type { StageContext, StageOutputs, StageModule } from "./engine/module/types.js";
export type { Config, Stage, Priority, StageKind } from "./config/types.js";
