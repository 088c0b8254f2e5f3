// Runs inside the child process of a module stage: loads the user's module, calls one of
// its functions with a StageContext, reports the result to the supervisor through a
// small JSON file, and exits. A separate process, so that a timeout or cancel can kill
// it like any command — even one stuck in a busy loop.
//   node [--import tsx] host.js init|cleanup|health /path/to/module
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { oneLine } from "../../util/visible-text.js";
import type { StageContext, StageModule } from "./types.js";

type Action = "init" | "cleanup" | "health";

export interface HostResult {
  ok: boolean;
  /** init's outputs. */
  outputs?: Record<string, string>;
  /** What went wrong, one line: the attempt's error message. */
  message?: string;
  /** Which of init/cleanup/health the module exports. */
  exports: Action[];
}

const [action, modulePath] = process.argv.slice(2) as [Action, string];
const resultFile = process.env.NETRA_MODULE_RESULT;
const context = JSON.parse(process.env.NETRA_MODULE_CONTEXT ?? "{}") as Omit<StageContext, "signal" | "log" | "env">;

function report(result: HostResult): void {
  // Private: init()'s outputs may be secrets (the supervisor masks or removes the file).
  if (resultFile) writeFileSync(resultFile, JSON.stringify(result), { mode: 0o600 });
}

// Cancel and timeout arrive as SIGTERM: abort ctx.signal, give the function a moment to
// settle, then leave. A module that ignores it is SIGKILLed after kill_timeout.
const controller = new AbortController();
process.on("SIGTERM", () => {
  controller.abort(new Error("cancelled"));
  setTimeout(() => process.exit(143), 1000).unref();
});

const ctx: StageContext = {
  ...context,
  env: process.env,
  signal: controller.signal,
  log: (...args: unknown[]) => process.stdout.write(`${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}\n`),
};

function validOutputs(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new Error(`init must return an object of strings (or nothing), got ${Array.isArray(value) ? "a list" : typeof value}`);
  const outputs: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") throw new Error(`output "${key}" must be a string, got ${v === null ? "null" : typeof v}`);
    if (String(v).includes("\n")) throw new Error(`output "${key}" must be a single line`);
    outputs[key] = String(v);
  }
  return outputs;
}

async function main(): Promise<void> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    report({ ok: false, message: `cannot load module ${modulePath}: ${firstLine((error as Error).message)}`, exports: [] });
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  }
  // ESM named exports, or a CommonJS module.exports (seen as `default`).
  const fromDefault = (loaded.default ?? {}) as Record<string, unknown>;
  const mod = { ...fromDefault, ...loaded } as Partial<StageModule> & Record<string, unknown>;
  const exports = (["init", "cleanup", "health"] as const).filter((name) => typeof mod[name] === "function");
  const fn = mod[action] as ((ctx: StageContext) => unknown) | undefined;
  if (!fn) {
    if (action === "init") {
      report({ ok: false, message: `module ${modulePath} does not export an init function`, exports });
      process.exit(1);
    }
    report({ ok: true, exports }); // no cleanup/health: nothing to do
    return;
  }
  try {
    const value = await fn(ctx);
    if (action === "health" && value === false) {
      report({ ok: false, message: "health() returned false", exports });
      process.exit(1);
    }
    report({ ok: true, outputs: action === "init" ? validOutputs(value) : undefined, exports });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report({ ok: false, message: firstLine(message), exports });
    // The stack goes to stderr, which is the stage's log, never to the summary.
    process.stderr.write(`${error instanceof Error && error.stack ? error.stack : message}\n`);
    process.exit(1);
  }
}

await main();
// A module service (kind: service) keeps running on what init started (a server…).
if (!(action === "init" && process.env.NETRA_MODULE_KEEP_ALIVE)) process.exit(0);

// The message's first line (the rest is usually a stack, which goes to the log), with any
// \r or other line break left in it shown, not kept: it becomes the attempt's one-line error.
function firstLine(message: string): string {
  return oneLine(message.split("\n")[0] ?? message);
}
