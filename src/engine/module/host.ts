// Runs inside the child process of a module stage: loads the user's module, calls one of
// its functions with a StageContext, reports the result to the supervisor through a
// small JSON file, and exits. A separate process, so that a timeout or cancel can kill
// it like any command — even one stuck in a busy loop.
//   node [--import tsx] host.js init|cleanup|health /path/to/module
import { renameSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describeThrown, stackOf } from "./describe-thrown.js";
import { describeLoadFailure } from "./load-failure.js";
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
const who = `${action}()`;

/** Where the host is: what to say if the process ends before the function returns. */
let phase: "loading" | "running" | "settled" | "terminating" = "loading";
let exported: Action[] = [];
let uncaught: { error: unknown } | undefined;

function report(result: HostResult): void {
  if (!resultFile) return;
  // Private: init()'s outputs may be secrets (the supervisor masks or removes the file).
  // Written whole, then renamed: a supervisor watching for it never reads half a file.
  writeFileSync(`${resultFile}.tmp`, JSON.stringify(result), { mode: 0o600 });
  renameSync(`${resultFile}.tmp`, resultFile);
}

function settle(result: HostResult): void {
  phase = "settled";
  clearInterval(keepAlive);
  report(result);
}

// Node exits once nothing is left to wait on, even while init()'s promise (or a
// top-level await) is pending — with a bare "exit code 13". A pending function is
// waiting like a running command: one ref'd timer keeps the host until it settles, the
// stage's timeout kills it, or the run cancels it.
const keepAlive = setInterval(() => {}, 2 ** 30);

// The module may still end the process first: process.exit() from its code, an uncaught
// exception in a callback. Say which, and never let that pass for success.
process.on("uncaughtExceptionMonitor", (error) => {
  uncaught ??= { error };
});
process.on("exit", (code) => {
  if (phase === "settled" || phase === "terminating") return;
  report({ ok: false, message: whyEndedEarly(code), exports: exported });
  if (code === 0) process.exitCode = 1;
});

function whyEndedEarly(code: number): string {
  if (uncaught) return `uncaught exception ${phase === "loading" ? "while the module loaded" : `while ${who} ran`}: ${describeThrown(uncaught.error, "it")}`;
  if (code === 13) return `${phase === "loading" ? "the module's top-level await" : who} never settled`;
  return phase === "loading" ? `exited while the module loaded, before ${who} was called (exit code ${code})` : `exited before ${who} returned (exit code ${code})`;
}

// Cancel and timeout arrive as SIGTERM: abort ctx.signal, give the function a moment to
// settle, then leave. A module that ignores it is SIGKILLed after kill_timeout.
const controller = new AbortController();
process.on("SIGTERM", () => {
  if (phase !== "settled") phase = "terminating";
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
    settle({ ok: false, message: oneLine(describeLoadFailure(modulePath, error)), exports: [] });
    process.stderr.write(`${stackOf(error, "the module")}\n`);
    process.exit(1);
  }
  // ESM named exports, or a CommonJS module.exports (seen as `default`).
  const fromDefault = (loaded.default ?? {}) as Record<string, unknown>;
  const mod = { ...fromDefault, ...loaded } as Partial<StageModule> & Record<string, unknown>;
  const exports = (["init", "cleanup", "health"] as const).filter((name) => typeof mod[name] === "function");
  exported = exports;
  const fn = mod[action] as ((ctx: StageContext) => unknown) | undefined;
  if (!fn) {
    if (action === "init") {
      settle({ ok: false, message: `module ${modulePath} does not export an init function`, exports });
      process.exit(1);
    }
    settle({ ok: true, exports }); // no cleanup/health: nothing to do
    return;
  }
  try {
    phase = "running";
    const value = await fn(ctx);
    if (action === "health" && value === false) {
      settle({ ok: false, message: "health() returned false", exports });
      process.exit(1);
    }
    settle({ ok: true, outputs: action === "init" ? validOutputs(value) : undefined, exports });
  } catch (error) {
    settle({ ok: false, message: oneLine(describeThrown(error, who)), exports });
    // The stack goes to stderr, which is the stage's log, never to the summary.
    process.stderr.write(`${stackOf(error, who)}\n`);
    process.exit(1);
  }
}

await main();
// A module service (kind: service) keeps running on what init started (a server…).
if (!(action === "init" && process.env.NETRA_MODULE_KEEP_ALIVE)) process.exit(0);
