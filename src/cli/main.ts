// The CLI entry: declares every command, loads each one's code only when it runs (so
// `--version` and `--help` never load YAML, SQLite or the live view), and owns the exit code.
import { fstatSync, readFileSync } from "node:fs";
import { isatty } from "node:tty";
import { Command, CommanderError, Option } from "commander";
import { addCommonOptions, durationOption, wholeNumberOption, type CommonOptions } from "./options.js";
import { MAX_CONCURRENCY } from "../config/types.js";
import { ExitCode, ExitError, UsageError } from "./exit.js";
import { debugEnabled, err } from "./io.js";
import { StoreError } from "../store/store-error.js";
import { ControlError } from "../control/control-error.js";
import { DISK_FULL_HINT, DiskFullError, isDiskFull } from "../util/disk-full.js";

const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

type Action = (args: string[], options: Record<string, unknown>) => Promise<number | void>;

// Wraps a lazily imported command so commander sees a plain action.
function lazy(load: () => Promise<{ run: Action }>) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const options = command.optsWithGlobals();
    const args = command.args;
    const { run } = await load();
    const code = await run(args, options);
    if (typeof code === "number" && code !== 0) throw new ExitError(code);
  };
}

function buildProgram(): Command {
  const program = new Command("netra-start")
    .description("Start a graph of init steps and services in dependency order, in parallel, with retries, health checks and rollback.")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      "after",
      `\nExit codes: 0 ready · 1 failed · 2 invalid config or usage · 3 degraded · 4 lock held · 70 internal error or disk full · 129/130/143 interrupted (SIGHUP/SIGINT/SIGTERM)\nDocs: README.md and docs/ in the package.\n`,
    );

  addCommonOptions(
    program
      .command("up")
      .description("run the graph (or only the named stages and what they depend on)")
      .argument("[stages...]", "stages to start, with their dependencies")
      .option("-j, --concurrency <n>", `stages running at once, 1 to ${MAX_CONCURRENCY} (overrides settings.concurrency)`, wholeNumberOption(1, MAX_CONCURRENCY))
      .option("--no-rollback", "on a critical failure, leave started stages as they are")
      .option("--allow-degraded", "exit 0 when only non-critical stages failed")
      .option("--check", "bring everything up, wait until ready, tear it down, exit with the result")
      .option("--dry-run", "print what would run, in order, and run nothing")
      .option("--junit <file>", "write a JUnit XML report of the run")
      .option("--wait-lock <duration>", "wait this long for another run's lock (e.g. 30s; at most 24h)", durationOption)
      .option("--force-unlock", "remove a lock held by another host's run first (refused while its holder runs on this host)")
      .option("--reset-circuits", "close every circuit breaker before starting")
      .option("--force [stages...]", "run tasks with inputs/creates even when up to date (all of them, or the named ones)")
      .option("-d, --detach", "once the graph is ready, leave the supervisor running in the background (status, logs, restart, stop, down talk to it)")
      .option("--wait", "wait until the graph is ready before returning (always so; accepted as in docker compose)")
      .option("--watch", "restart a stage (run a task again) when a file its `watch:` globs match changes")
      .option("--http <host:port>", "serve /health/startup, /health/live, /health/ready and /metrics while running (overrides settings.http)"),
  )
    .addHelpText("after", examples(["netra-start up", "netra-start up --detach", "netra-start up api -j 4", "netra-start up --profile ci --output plain --junit startup.xml", "netra-start up --check --allow-degraded", "netra-start up --wait-lock 2m", "netra-start up --force-unlock", "netra-start up --force migrate"]))
    .action(lazy(() => import("./commands/up.js")));

  addCommonOptions(
    program
      .command("status")
      .description("each stage of the running supervisor's run: status, pid, health, uptime, restarts, last error")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"])),
  )
    .addHelpText("after", examples(["netra-start status", "netra-start status --output json"]))
    .action(lazy(() => import("./commands/status.js")));

  addCommonOptions(
    program
      .command("logs")
      .description("stage logs of the running (or latest) run, prefixed and coloured per stage")
      .argument("[stages...]", "only these stages")
      .option("-f, --follow", "keep printing new lines until the run ends")
      .option("--since <duration>", "only attempts that started within this long ago (e.g. 5m)", durationOption)
      .option("-n, --tail <n>", "only the last N lines of each stage", wholeNumberOption(0, 1_000_000))
      .option("--run <id>", "another run than the running or latest one"),
  )
    .addHelpText("after", examples(["netra-start logs", "netra-start logs api -f", "netra-start logs --since 5m --tail 50"]))
    .action(lazy(() => import("./commands/logs.js")));

  addCommonOptions(
    program
      .command("restart")
      .description("restart services (run tasks again) in the running supervisor, through their retries, backoff and circuit breaker")
      .argument("<stages...>", "stages to restart")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"])),
  )
    .addHelpText("after", examples(["netra-start restart api", "netra-start restart api worker"]))
    .action(lazy(() => import("./commands/restart.js")));

  addCommonOptions(
    program
      .command("stop")
      .description("stop services in the running supervisor (all of them without names); it keeps running")
      .argument("[stages...]", "services to stop")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"])),
  )
    .addHelpText("after", examples(["netra-start stop api", "netra-start stop"]))
    .action(lazy(() => import("./commands/stop.js")));

  addCommonOptions(
    program
      .command("validate")
      .description("check the config; exit 0 when valid, 2 when not")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"])),
  )
    .addHelpText("after", examples(["netra-start validate", "netra-start validate -c deploy/startup.yaml --format json"]))
    .action(lazy(() => import("./commands/validate.js")));

  addCommonOptions(
    program
      .command("plan")
      .description("show order, parallel levels and the critical path")
      .argument("[stages...]", "only these stages and what they depend on")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json", "mermaid", "dot"])),
  )
    .addHelpText("after", examples(["netra-start plan", "netra-start plan api --format mermaid", "netra-start plan --format dot | dot -Tsvg > plan.svg"]))
    .action(lazy(() => import("./commands/plan.js")));

  addCommonOptions(
    program
      .command("down")
      .description("stop the running supervisor (up --detach) and what the last (or given) run left running, newest first; --undo also runs the cleanups")
      .option("--run <id>", "the run to stop (default: the latest)")
      .option("--undo", "also run the `cleanup` of every stage that became ready and was not undone yet")
      .option("--wait-lock <duration>", "wait this long for another run's lock (at most 24h)", durationOption)
      .option("--force-unlock", "remove a lock held by another host's run first (refused while its holder runs on this host)"),
  )
    .addHelpText("after", examples(["netra-start down", "netra-start down --undo", "netra-start down --run 20261123-101500-ab12", "netra-start down --force-unlock"]))
    .action(lazy(() => import("./commands/down.js")));

  addCommonOptions(
    program
      .command("doctor")
      .description("say what is wrong and what to do: config, preflight, state, last failures")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"]))
      .option("--full", "check every page of the report database (PRAGMA integrity_check; slower on a big history) instead of the quick check"),
  )
    .addHelpText("after", examples(["netra-start doctor", "netra-start doctor -c deploy/startup.yaml --format json", "netra-start doctor --full"]))
    .action(lazy(() => import("./commands/doctor.js")));

  addCommonOptions(
    program
      .command("history")
      .description("recent runs")
      .option("--limit <n>", "how many", "20")
      .option("--fleet", "every host's runs, from settings.report_store: postgres")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"])),
  )
    .addHelpText("after", examples(["netra-start history", "netra-start history --limit 5 --format json", "netra-start history --fleet"]))
    .action(lazy(() => import("./commands/history.js")));

  addCommonOptions(
    program
      .command("report")
      .description("one run (default: the latest)")
      .argument("[run]", "run id, or a unique prefix of it")
      .option("--fleet", "a run of any host, from settings.report_store: postgres")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json", "junit", "prometheus", "html"])),
  )
    .addHelpText("after", examples(["netra-start report", "netra-start report --format junit > startup.xml", "netra-start report 20261123 --format prometheus", "netra-start report --format html > run.html", "netra-start report --fleet"]))
    .action(lazy(() => import("./commands/report.js")));

  addCommonOptions(
    program
      .command("circuits")
      .description("circuit breaker states; `circuits reset [STAGE]` closes them")
      .argument("[action]", "reset")
      .argument("[stage]", "only this stage")
      .addOption(new Option("--format <format>", "output format (default: text; json with --output json)").choices(["text", "json"])),
  )
    .addHelpText("after", examples(["netra-start circuits", "netra-start circuits reset database", "netra-start circuits reset"]))
    .action(lazy(() => import("./commands/circuits.js")));

  addCommonOptions(program.command("prune").description("apply settings.retention to recorded runs and logs").option("--keep <n>", "keep the newest N runs (instead of settings.retention.runs)"))
    .addHelpText("after", examples(["netra-start prune", "netra-start prune --keep 10"]))
    .action(lazy(() => import("./commands/prune.js")));

  program
    .command("schema")
    .description("print the config's JSON Schema (draft 2020-12)")
    .addHelpText("after", examples(["netra-start schema > netra-start.schema.json"]))
    .action(lazy(() => import("./commands/schema.js")));

  addCommonOptions(
    program
      .command("init")
      .description("write a commented starter startup.yaml")
      .option("--force", "overwrite an existing file"),
  )
    .addHelpText("after", examples(["netra-start init", "netra-start init -c services/startup.yaml --force"]))
    .action(lazy(() => import("./commands/init.js")));

  program
    .command("import")
    .description("write a startup.yaml from a Procfile, a process-compose.yaml or a compose.yaml")
    .argument("<file>", "the Procfile, process-compose.yaml, compose.yaml or docker-compose.yml to convert")
    .option("-o, --out <file>", "the config to write", "startup.yaml")
    .addOption(new Option("--from <kind>", "the kind of file (default: from its name, else its content)").choices(["procfile", "process-compose", "compose"]))
    .option("--force", "overwrite an existing output file")
    .addHelpText("after", examples(["netra-start import Procfile", "netra-start import docker-compose.yml -o startup.yaml --force", "netra-start import dev.yml --from process-compose"]))
    .action(lazy(() => import("./commands/import.js")));

  return program;
}

// A reader that goes away (`netra-start history | head`) closes our stdout. That is not
// an error worth a stack trace, and during `up` it must not stop supervision: further
// output is simply dropped.
function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}

async function main(argv: string[]): Promise<number> {
  ignoreClosedOutput(process.stdout);
  ignoreClosedOutput(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.ready;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof CommanderError) {
    // --help and --version end through here with code 0; usage mistakes are exit 2.
    return error.exitCode === 0 ? 0 : ExitCode.invalid;
  }
  if (error instanceof StoreError) {
    err(`error: ${error.message}\nhint: ${error.hint}`);
    if (debugEnabled() && error.cause instanceof Error && error.cause.stack) err(error.cause.stack);
    return ExitCode.invalid;
  }
  if (error instanceof DiskFullError || isDiskFull(error)) {
    // Not a bug: the file system ran out of room while a command wrote to it.
    const message = error instanceof DiskFullError ? error.message : `the disk is full (${error instanceof Error ? error.message : String(error)})`;
    err(`error: ${message}\nhint: ${DISK_FULL_HINT}`);
    return ExitCode.internal;
  }
  if (error instanceof ControlError) {
    err(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ""}`);
    return ExitCode.failed;
  }
  if (error instanceof UsageError) {
    err(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ""}`);
    return ExitCode.invalid;
  }
  err(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  err("This is a bug in netra-start; please report it with the output of DEBUG=netra-start.");
  if (debugEnabled() && error instanceof Error && error.stack) err(error.stack);
  return ExitCode.internal;
}

// Ends the process as soon as the command is done when nothing but its output streams is
// left: a normal exit also frees the whole V8 heap, which took 20–50 ms after a 200-stage
// `up` with nobody waiting for it. With anything still pending — a write not yet taken
// by the reader, a timer, an immediate, a child, a file operation, stdin — the process
// ends the normal way, once the event loop is empty.
function exitWhenIdle(code: number): void {
  process.exitCode = code;
  setImmediate(() => {
    if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) return;
    const streams = [1, 2].map(stdioHandle).filter((type) => type !== undefined);
    const pending = process.getActiveResourcesInfo();
    if (pending.length === streams.length && [...pending].sort().join() === streams.sort().join()) process.exit(code);
  });
}

// The handle Node keeps for stdout or stderr: a terminal, a pipe or socket, or none for a file.
function stdioHandle(fd: number): string | undefined {
  try {
    if (isatty(fd)) return "TTYWrap";
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket() ? "PipeWrap" : undefined;
  } catch {
    return "unknown";
  }
}

export type { CommonOptions };

exitWhenIdle(await main(process.argv));
