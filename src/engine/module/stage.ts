// A module stage as the stage runner drives it: the context its host process receives,
// the result the host writes back, and the health check and cleanup the module brings.
import { readFileSync, rmSync } from "node:fs";
import type { Command, HealthCheck, Stage } from "../../config/types.js";
import { DEFAULT_STAGE } from "../../config/types.js";
import type { StageRunContext } from "../stage-runner.js";
import { moduleResultFile } from "../run-paths.js";
import { moduleCommand } from "./command.js";
import type { HostResult } from "./host.js";
import { whenFileExists } from "./when-file-exists.js";

export type PreparedModule = ReturnType<typeof prepareModule>;

// The context a module's functions receive travels in the environment of its host
// process; the host writes back its result (outputs, or the error's message).
export function prepareModule(stage: Stage, modulePath: string, attempt: number, ctx: StageRunContext, env: NodeJS.ProcessEnv) {
  const resultFile = moduleResultFile(ctx.logDir, stage.name);
  rmSync(resultFile, { force: true });
  rmSync(`${resultFile}.tmp`, { force: true });
  env.NETRA_MODULE_RESULT = resultFile;
  env.NETRA_MODULE_CONTEXT = JSON.stringify({ stage: stage.name, runId: ctx.runId, attempt, outputs: Object.fromEntries(ctx.upstreamOutputs) });
  if (stage.kind === "service") env.NETRA_MODULE_KEEP_ALIVE = "1";
  return {
    path: modulePath,
    result(): HostResult | undefined {
      // Read once and removed: it may hold init()'s raw outputs, secrets among them.
      try {
        return JSON.parse(readFileSync(resultFile, "utf8")) as HostResult;
      } catch {
        return undefined;
      } finally {
        rmSync(resultFile, { force: true });
      }
    },
    /** A service's init() settled (its host runs on): its result, once written, or
     *  whatever there is when the host exits or `signal` aborts first. */
    async settled(exited: Promise<unknown>, signal: AbortSignal): Promise<HostResult | undefined> {
      // One controller we own, fed by `signal`: not AbortSignal.any, whose combined signal
      // Node 20 holds only weakly (it can be collected and then never fire).
      const stopWaiting = new AbortController();
      const stop = () => stopWaiting.abort();
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
      try {
        await Promise.race([whenFileExists(resultFile, stopWaiting.signal), exited]);
      } finally {
        signal.removeEventListener("abort", stop);
        stop();
      }
      return this.result();
    },
  };
}

// A module's own health() is its health check when the stage configures none, and its
// cleanup() its cleanup (run by rollback and `down`).
export function withModuleHooks(stage: Stage, modulePath: string, hosted: HostResult | undefined): Stage {
  const exported = hosted?.exports ?? ["health", "cleanup"];
  const health: HealthCheck | undefined =
    stage.health ?? (exported.includes("health") && hosted ? { probe: { type: "command", command: moduleCommand("health", modulePath) }, ...DEFAULT_STAGE.health } : undefined);
  return { ...stage, health, cleanup: cleanupCommand(stage, exported) };
}

// What undoes a stage: its `cleanup:`, or else its module's cleanup() when the module
// exports one (or may: `down` cannot know, and the host does nothing when it does not).
export function cleanupCommand(stage: Stage, exported: readonly string[] = ["cleanup"]): Command | undefined {
  if (stage.cleanup) return stage.cleanup;
  return stage.runner.type === "module" && exported.includes("cleanup") ? moduleCommand("cleanup", stage.runner.module) : undefined;
}

