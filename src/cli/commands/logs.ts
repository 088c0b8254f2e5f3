// `netra-start logs [STAGE…] [-f] [--since 5m] [--tail N]`: the stage logs of the running
// supervisor's run (or the latest run, or --run), each line prefixed with its stage and
// coloured per stage, as `docker compose logs` does. Read from the log files, so it works
// after the run as well. `-f` prints new lines as they are written until the run ends
// (right away for a run that is over), reading only that run's files.
import { openSync, readdirSync, readSync, closeSync, statSync } from "node:fs";
import type { ChalkInstance } from "chalk";
import { runLogDir, stageLogPath } from "../../engine/run-paths.js";
import { parseLogLines, selectLines, type LogLine } from "../../output/log-lines.js";
import { makeStyle } from "../../output/style.js";
import { textOutput } from "../../output/workflow-commands.js";
import { findRun } from "../../store/queries.js";
import { openDatabaseReadonly } from "../../store/read-database.js";
import { visibleText } from "../../util/visible-text.js";
import { SUPERVISOR_LOG } from "../detach.js";
import { ExitCode, UsageError } from "../exit.js";
import { err, out } from "../io.js";
import type { CommonOptions } from "../options.js";
import { stateDirFor } from "../state.js";
import { locateSupervisor } from "../supervisor-link.js";

interface LogsOptions extends CommonOptions {
  follow?: boolean;
  /** ms, from commander. */
  since?: number;
  tail?: number;
  run?: string;
}

const STAGE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** How often `-f` looks at the run's files (only those: never a tree). */
const FOLLOW_EVERY_MS = 150;

export async function run(stages: string[], options: LogsOptions): Promise<number> {
  const bad = stages.find((s) => !STAGE_NAME.test(s));
  if (bad !== undefined) throw new UsageError(`"${visibleText(bad)}" is not a stage name`, "stage names are lower case letters, digits, - and _");
  const stateDir = stateDirFor(options);
  const runId = whichRun(stateDir, options.run);
  const logDir = runLogDir(stateDir, runId);
  const style = makeStyle(process.stdout);
  const output = textOutput(out, process.env.GITHUB_ACTIONS === "true");
  const files = new Map<string, { offset: number; rest: string; sectionAt: number | undefined }>();
  const known = () => (stages.length > 0 ? stages : stageLogs(logDir));

  const print = (stage: string, lines: readonly LogLine[]) => {
    const tag = colourOf(stage, style)(`${stage.padEnd(width(known()))} │`);
    for (const line of lines) output.line(`${tag} ${line.marker ? style.dim(visibleText(line.text)) : visibleText(line.text)}`);
  };
  // Reads what was appended since last time; a line is printed once it is complete.
  const readNew = (stage: string, select: (lines: LogLine[]) => LogLine[]) => {
    const state = files.get(stage) ?? { offset: 0, rest: "", sectionAt: undefined };
    files.set(stage, state);
    const text = state.rest + readFrom(stageLogPath(logDir, stage), state.offset, (n) => (state.offset += n));
    const end = text.lastIndexOf("\n");
    state.rest = end < 0 ? text : text.slice(end + 1);
    if (end < 0) return;
    const parsed = parseLogLines(text.slice(0, end), state.sectionAt);
    state.sectionAt = parsed.sectionAt;
    print(stage, select(parsed.lines));
  };

  const now = Date.now();
  for (const stage of known()) readNew(stage, (lines) => selectLines(lines, { sinceMs: options.since, tail: options.tail, now }));
  // A stage named that has written nothing (silent, not started, or not in this run): said, not an error.
  if (!options.follow) for (const stage of stages) if (!files.get(stage)?.offset) err(`${stage}: no output in run ${runId}`);
  if (options.follow) {
    while (runs(stateDir, runId)) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
      for (const stage of known()) readNew(stage, (lines) => lines);
    }
    for (const stage of known()) readNew(stage, (lines) => lines);
  }
  output.end();
  return ExitCode.ready;
}

function whichRun(stateDir: string, wanted: string | undefined): string {
  const found = locateSupervisor(stateDir);
  if (wanted === undefined && found.kind === "alive") return found.info.runId;
  const db = openDatabaseReadonly(stateDir);
  try {
    const row = db ? findRun(db, wanted) : undefined;
    if (!row) throw new UsageError(wanted ? `no run "${wanted}"` : "no runs recorded yet", "`netra-start history` lists the runs");
    return row.id;
  } finally {
    db?.close();
  }
}

function runs(stateDir: string, runId: string): boolean {
  const found = locateSupervisor(stateDir);
  return found.kind === "alive" && found.info.runId === runId;
}

function stageLogs(logDir: string): string[] {
  try {
    return readdirSync(logDir)
      .filter((f) => f.endsWith(".log") && f !== SUPERVISOR_LOG && STAGE_NAME.test(f.slice(0, -4)))
      .map((f) => f.slice(0, -4))
      .sort();
  } catch {
    return [];
  }
}

function readFrom(file: string, offset: number, advance: (bytes: number) => void): string {
  let fd: number;
  try {
    if (statSync(file).size <= offset) return "";
    fd = openSync(file, "r");
  } catch {
    return ""; // no output yet
  }
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    let at = offset;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, at);
      if (n === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      at += n;
    }
    advance(at - offset);
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function width(names: readonly string[]): number {
  return Math.max(0, ...names.map((n) => n.length));
}

const PALETTE = ["cyan", "green", "yellow", "magenta", "blue", "red"] as const;

// A colour per stage that stays the same between runs: picked from its name.
function colourOf(stage: string, style: ChalkInstance): (text: string) => string {
  let hash = 0;
  for (const c of stage) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const colour = PALETTE[hash % PALETTE.length] as (typeof PALETTE)[number];
  return (text) => style[colour](text);
}

