// `netra-start up`: load, plan, run with live output, exit with the run's code.
import { startRun } from "../../engine/run.js";
import { buildPlan, selectStages } from "../../graph/plan.js";
import { createRenderer } from "../../output/renderer.js";
import { loadConfigOrExit, resolveOutputMode, resolveStateDir, type CommonOptions } from "../common.js";
import { ExitCode, UsageError } from "../exit.js";
import { out } from "../io.js";

export interface UpOptions extends CommonOptions {
  concurrency?: string;
  rollback?: boolean;
  allowDegraded?: boolean;
  check?: boolean;
  dryRun?: boolean;
  junit?: string;
}

function parseConcurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`-j/--concurrency must be a whole number ≥ 1, got "${value}"`);
  return n;
}

export async function run(names: string[], options: UpOptions): Promise<number> {
  const { config, analysis } = loadConfigOrExit(options);
  const selection = selectStages(config, names);
  if (!selection.ok) throw new UsageError(`unknown stage "${selection.unknown}"`, selection.hint ?? "run `netra-start plan` to list the stages");
  const concurrency = parseConcurrency(options.concurrency, config.settings.concurrency);
  const plan = buildPlan(selection.stages);
  const mode = resolveOutputMode(options.output);

  if (options.dryRun) {
    const order = plan.order.map((i) => plan.stages[i]?.name as string);
    if (mode === "json") out(JSON.stringify({ type: "dry-run", config: analysis.location.shown, concurrency, order }));
    else {
      out(`dry run: ${order.length} stage${order.length === 1 ? "" : "s"} would start in this order (concurrency ${concurrency}); nothing was run`);
      order.forEach((name, n) => out(`${String(n + 1).padStart(4)}  ${name}`));
    }
    return ExitCode.ready;
  }

  const renderer = await createRenderer(mode);
  const handle = startRun({
    config,
    plan,
    stateDir: resolveStateDir(options, config.path),
    concurrency,
    rollback: options.rollback !== false && config.settings.rollback,
    allowDegraded: Boolean(options.allowDegraded),
    holdServices: !options.check,
    emit: (event) => renderer.onEvent(event),
  });
  const onSigint = () => handle.interrupt("SIGINT");
  const onSigterm = () => handle.interrupt("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  try {
    const { exitCode } = await handle.done;
    await renderer.close();
    return exitCode;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
  }
}
