// `--output tty`: the live view. Finished stages become permanent lines (✔ name 1.2s;
// ✖ name after 2 attempts, with its output tail and hint), printed once; below them a
// small live region is redrawn at most 10 times a second, on a timer this file owns:
// the running stages with their latest output line, attempt, health wait or retry
// countdown, and a line of counts that names the first stages still waiting.
//
// Events only update the view model (O(1) each); a frame costs what is on screen, not
// the size of the graph, so 10,000 stages draw like 10, and the event loop stays free
// for Ctrl-C. The region is erased with erase-line/cursor-up and drawn again; its lines
// are cut to the terminal's width and stripped of control characters, so none wraps.
// Once everything is up, service output and rollback stream as plain lines.
import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/duration.js";
import { ConsumerError } from "../engine/event-sink.js";
import type { EngineEvent } from "../engine/events.js";
import { unreachable } from "../engine/failure.js";
import { failureHint } from "./failure-hint.js";
import { frameSize, liveLines, permanentLines } from "./live-view-lines.js";
import { LiveViewModel } from "./live-view-model.js";
import { createPlainRenderer } from "./plain-renderer.js";
import type { Renderer } from "./renderer.js";
import { summaryTable } from "./summary-table.js";
import { keepColours } from "./terminal-text.js";

/** Where the live view draws: process.stdout, or a test's recorder. */
export interface LiveTerminal {
  write(text: string): void;
  readonly columns: number | undefined;
  readonly rows: number | undefined;
}

export interface TtyOptions {
  terminal?: LiveTerminal;
  clock?: () => number;
  /** The shortest time between two frames. */
  frameMs?: number;
}

const NAME = "the live view";
/** 10 frames a second: the screen is at most this far behind the events. */
const FRAME_MS = 100;
const HIDE_CURSOR = "\u001b[?25l";
const SHOW_CURSOR = "\u001b[?25h";
// The cursor is at column 1 of the line below the region: erase that line, then go up
// and erase, once per line of the region, and end at column 1 of its first line.
const erase = (lines: number) => (lines === 0 ? "" : `${"\u001b[2K\u001b[1A".repeat(lines)}\u001b[2K\u001b[G`);

export function createTtyRenderer(style: ChalkInstance, options: TtyOptions = {}): Renderer {
  const terminal: LiveTerminal = options.terminal ?? process.stdout;
  const clock = options.clock ?? Date.now;
  const frameMs = options.frameMs ?? FRAME_MS;
  const model = new LiveViewModel();
  // Lines that are printed as they are (service output, rollback) read as in plain mode.
  // They keep their colours: the live view cleans each line it prints (keepColours).
  const print = createPlainRenderer({ write: (line) => model.print(line), style, github: false, visible: (event) => event });

  /** Once all is ready, service output streams; before, the live region owns the screen. */
  let holding = false;
  /** The run's end is drawn, or plain lines took over: nothing more is drawn. */
  let ended = false;
  /** Lines of the live region now on screen, and what they said. */
  let drawn: string[] = [];
  let cursorHidden = false;
  let tick = 0;
  let lastFrame = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  /** When the pending frame is due, and whether it is to be drawn at the end of this turn. */
  let dueAt = 0;
  let endOfTurn = false;

  const showCursor = () => {
    if (!cursorHidden) return;
    cursorHidden = false;
    process.off("exit", showCursor);
    terminal.write(SHOW_CURSOR);
  };

  // One frame: erase the region, print what finished since the last frame, draw the region again.
  const draw = (final: boolean) => {
    const now = clock();
    lastFrame = now;
    tick++;
    const permanent = permanentLines(model.takePermanent(), style);
    const live = final ? [] : liveLines(model, frameSize(terminal.columns, terminal.rows), now, tick, style);
    if (permanent.length === 0 && live.length === drawn.length && live.every((line, i) => line === drawn[i])) return;
    let out = erase(drawn.length);
    if (live.length > 0 && !cursorHidden) {
      cursorHidden = true;
      // However the process ends, the cursor comes back.
      process.once("exit", showCursor);
      out = HIDE_CURSOR + out;
    }
    for (const line of permanent) out += `${line}\n`;
    for (const line of live) out += `${line}\n`;
    drawn = live;
    terminal.write(out);
  };

  const frame = () => {
    timer = undefined;
    if (ended) return;
    try {
      draw(false);
    } catch (error) {
      // Thrown on a timer: the run's guard hands it to the event sink, which swaps in plain lines.
      throw new ConsumerError(NAME, error);
    }
    // Spinners, elapsed times and countdowns move on their own.
    if (model.activeCount > 0) schedule();
  };
  // The next frame, no sooner than one frame after the last: a burst of events is one frame.
  const schedule = () => {
    if (ended) return;
    if (timer) {
      const late = clock() - dueAt;
      if (late < 0) return;
      if (late < frameMs) {
        // Due, and the event loop is busy with this turn: draw at its end, before whatever
        // else is queued (a stop's burst of skipped stages is followed by the recorder's
        // commit of all of them), not after.
        if (!endOfTurn) {
          endOfTurn = true;
          queueMicrotask(() => {
            endOfTurn = false;
            if (!timer) return;
            stop();
            frame();
          });
        }
        return;
      }
      // Late by a whole frame inside one turn (thousands of events at once): draw now
      // rather than fall behind; the screen stays within a frame of the events.
      stop();
      draw(false);
      if (model.activeCount === 0) return;
    }
    const wait = Math.max(0, lastFrame + frameMs - clock());
    dueAt = clock() + wait;
    timer = setTimeout(frame, wait);
    timer.unref();
  };
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  function finish(event: Extract<EngineEvent, { type: "run-finished" }>): void {
    ended = true;
    stop();
    draw(true);
    const colour = event.status === "ready" ? style.green : event.status === "degraded" ? style.yellow : style.red;
    let out = `\n${colour(style.bold(event.status))} in ${formatDuration(event.durationMs)} (exit ${event.exitCode}) · run ${event.runId}\n`;
    if (event.note) out += `${event.note}\n`;
    out += "\n";
    for (const row of summaryTable(event.results, style)) out += `${row}\n`;
    terminal.write(out);
    showCursor();
  }

  function onEvent(event: EngineEvent): void {
    if (ended) return;
    switch (event.type) {
      case "run-started":
        model.print(style.bold(`${event.name}: starting ${event.stages.length} stage${event.stages.length === 1 ? "" : "s"} (concurrency ${event.concurrency})`));
        model.plan(event.stages.map((s) => s.name));
        return schedule();
      case "stage-started":
        model.started(event.stage, event.attempt, event.maxAttempts, clock());
        return schedule();
      case "stage-output":
        model.detail(event.stage, event.line);
        return schedule();
      case "health-check":
        if (event.ok) return;
        model.detail(event.stage, `waiting for health (${event.check}/${event.maxChecks}): ${event.detail}`);
        return schedule();
      case "fleet-waiting":
        // The stage has not started here (it is pending): a line above the view says why.
        print(event);
        return schedule();
      case "attempt-failed":
        model.detail(event.stage, `attempt ${event.attempt}/${event.maxAttempts} failed: ${event.error}`);
        return schedule();
      case "stage-retrying":
        model.retrying(event.stage, event.nextAttempt, event.maxAttempts, event.delayMs, clock());
        return schedule();
      case "stage-ready":
        model.ready(event.stage, event.durationMs, event.attempts);
        return schedule();
      case "stage-failed":
        model.failed(event.stage, { attempts: event.attempts, critical: event.critical, error: event.error, tail: event.tail, hint: failureHint(event) });
        return schedule();
      case "stage-skipped":
        model.skipped(event.stage, event.reason);
        return schedule();
      case "stage-cancelled":
        model.cancelled(event.stage, event.reason);
        return schedule();
      case "stage-up-to-date":
        // Done without running: no timer, and a permanent line like a ready stage's.
        // (Stage names are [a-z0-9_-] by the schema: nothing to clean.)
        model.settle(event.stage, "ready");
        model.print(`${style.green("✔")} ${event.stage} ${style.dim(event.reason)}`);
        return schedule();
      case "process-started":
      case "circuit-changed":
      case "outputs-saved":
      case "fingerprint-saved":
        return;
      case "service-output":
        // Before all is ready, a service's latest line shows on its running line (stage-output).
        if (!holding) return;
        // Its colours stay; what would move the cursor or rewrite the line goes.
        print({ ...event, line: keepColours(event.line) });
        return schedule();
      case "services-running":
        holding = true;
        print(event);
        return schedule();
      case "service-exited":
      case "control-requested":
      case "service-unhealthy":
        print(event);
        return schedule();
      case "service-restarted":
        model.settle(event.stage, "ready");
        print(event);
        return schedule();
      case "service-lost":
        model.settle(event.stage, "failed");
        print(event);
        return schedule();
      case "rollback-started":
      case "rollback-stage":
      case "rollback-finished":
        print(event);
        return schedule();
      case "run-finished":
        return finish(event);
      default:
        return unreachable(event);
    }
  }

  return {
    name: NAME,
    onEvent,
    // Plain lines take over: what finished is still printed, the region goes, the timer stops.
    fallback: () => {
      if (!ended) {
        ended = true;
        stop();
        try {
          draw(true);
        } catch {
          // The terminal itself failed: plain lines may fare better.
        }
      }
      try {
        showCursor();
      } catch {
        // as above
      }
      return { name: "plain output", onEvent: createPlainRenderer({ write: (line) => terminal.write(`${line}\n`), style, github: false }) };
    },
    // Resolves once the last frame and the summary are written; no timer is left behind.
    close: async () => {
      stop();
      if (!ended) {
        ended = true;
        draw(true);
      }
      showCursor();
    },
  };
}
