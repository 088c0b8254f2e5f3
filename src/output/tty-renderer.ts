// `--output tty`: the listr2 live view. listr2 does not schedule anything here: one task
// per stage, all "concurrent", each awaiting a promise that engine events resolve
// (ready), reject (failed) or skip (skipped/cancelled). The engine keeps the real
// concurrency limit; this file only draws.
//
// A stage appears once something happens to it: a graph of 500 stages would otherwise
// fill the screen with spinners for stages that are only waiting. Each stage is a hidden
// (untitled) task that, on the stage's first event, opens a one-task list with the
// stage's own titled task — created then, so listr2 lays out its output under it. One
// last line counts and names the stages still waiting, and goes when none is left.
import type { ChalkInstance } from "chalk";
import { Listr, type DefaultRenderer, type ListrTask, type ListrTaskWrapper, type SimpleRenderer } from "listr2";
import { formatDuration } from "../config/duration.js";
import type { EngineEvent } from "../engine/events.js";
import { unreachable } from "../engine/failure.js";
import { failureHint } from "./failure-hint.js";
import { createPlainRenderer } from "./plain-renderer.js";
import type { Renderer } from "./renderer.js";
import { summaryTable } from "./summary-table.js";

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;
type TaskSpec = ListrTask<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface StageView {
  task: Task | undefined;
  /** Its task has ended (✔, ✖, skipped): listr2 drops a finished task's buffers, so nothing may touch it again. */
  done: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  countdown: NodeJS.Timeout | undefined;
  /** Events that arrived before listr2 started the task function. */
  early: ((task: Task) => void)[];
  /** The stage's first event: its task is shown from then on. */
  appear: () => void;
}

const MAX_TAIL = 8;
const WAITING_NAMES = 4;

export function createTtyRenderer(style: ChalkInstance): Renderer {
  const views = new Map<string, StageView>();
  let holding = false;
  let listrDone: Promise<void> = Promise.resolve();
  // Lines printed after the task list (rollback, summary) wait for its last frame.
  let after: Promise<void> = Promise.resolve();
  const write = (line: string) => void process.stdout.write(`${line}\n`);
  const plain = createPlainRenderer({ write, style, github: false });
  const later = (fn: () => void) => {
    after = after.then(() => listrDone).then(fn);
  };

  // Stages not started yet, in config order, and the line that counts them.
  const waiting = new Set<string>();
  let waitingLine: { task: Task | undefined; done: () => void } = { task: undefined, done: () => undefined };
  const waitingTitle = () => {
    const names = [...waiting].slice(0, WAITING_NAMES).join(", ");
    return style.dim(`${waiting.size} waiting: ${names}${waiting.size > WAITING_NAMES ? ", …" : ""}`);
  };
  const leaveWaiting = (stage: string) => {
    if (!waiting.delete(stage) || !waitingLine.task) return;
    if (waiting.size > 0) waitingLine.task.title = waitingTitle();
    else {
      waitingLine.task.task.title$ = undefined as unknown as string;
      waitingLine.done();
    }
  };

  // Any event for a stage shows it, and takes it out of the waiting count.
  const withTask = (stage: string, fn: (task: Task) => void) => {
    const view = views.get(stage);
    if (!view || view.done) return;
    leaveWaiting(stage);
    if (view.task) return fn(view.task);
    view.early.push(fn);
    view.appear();
  };
  // The stage's task ends now: mark it so that later events leave it alone.
  const end = (stage: string): Pick<StageView, "resolve" | "reject"> => {
    const view = views.get(stage);
    if (!view) return { resolve: () => undefined, reject: () => undefined };
    view.done = true;
    return view;
  };
  const stopCountdown = (stage: string) => {
    const view = views.get(stage);
    if (view?.countdown) clearInterval(view.countdown);
    if (view) view.countdown = undefined;
  };

  function start(event: Extract<EngineEvent, { type: "run-started" }>): void {
    // A terminal that reports no size (`script`, `docker exec -t` before a resize) says
    // 0 columns, and listr2 would wrap every character onto its own line.
    if (!process.stdout.columns) process.stdout.columns = 80;
    write(style.bold(`${event.name}: starting ${event.stages.length} stage${event.stages.length === 1 ? "" : "s"} (concurrency ${event.concurrency})`));
    for (const info of event.stages) waiting.add(info.name);
    const tasks = event.stages.map((info): TaskSpec => {
      let appear!: () => void;
      const appeared = new Promise<void>((resolve) => (appear = resolve));
      const view: StageView = { task: undefined, done: false, resolve: () => undefined, reject: () => undefined, countdown: undefined, early: [], appear };
      views.set(info.name, view);
      const stageTask: TaskSpec = {
        title: info.name,
        task: (_ctx: unknown, task: Task) =>
          new Promise<void>((resolve, reject) => {
            view.task = task;
            view.resolve = resolve;
            view.reject = reject;
            for (const fn of view.early.splice(0)) fn(task);
          }),
      };
      return { task: (_ctx: unknown, host: Task) => appeared.then(() => host.newListr([stageTask], { exitOnError: false })) };
    });
    tasks.push({
      task: (_ctx: unknown, task: Task) =>
        new Promise<void>((resolve) => {
          waitingLine = { task, done: resolve };
          if (waiting.size === 0) return resolve();
          task.title = waitingTitle();
        }),
    });
    const listr = new Listr<unknown, "default", "simple">(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: "default",
      rendererOptions: { showErrorMessage: true, collapseErrors: false, showSkipMessage: true, collapseSkips: false },
      fallbackRenderer: "simple",
    });
    listrDone = listr.run().then(
      () => undefined,
      () => undefined,
    );
  }

  function onEvent(event: EngineEvent): void {
    switch (event.type) {
      case "run-started":
        return start(event);
      case "stage-started":
        stopCountdown(event.stage);
        return withTask(event.stage, (t) => {
          t.title = event.stage;
          t.output = event.maxAttempts > 1 ? `attempt ${event.attempt}/${event.maxAttempts}` : "running";
        });
      case "stage-output":
        return withTask(event.stage, (t) => (t.output = event.line.slice(0, 200)));
      case "health-check":
        if (event.ok) return;
        return withTask(event.stage, (t) => (t.output = `waiting for health (${event.check}/${event.maxChecks}): ${event.detail}`));
      case "attempt-failed":
        return withTask(event.stage, (t) => (t.output = `attempt ${event.attempt}/${event.maxAttempts} failed: ${event.error}`));
      case "stage-retrying": {
        const until = Date.now() + event.delayMs;
        const show = (t: Task) => (t.output = `retrying in ${formatDuration(Math.max(0, until - Date.now()))} (attempt ${event.nextAttempt}/${event.maxAttempts})`);
        withTask(event.stage, show);
        const view = views.get(event.stage);
        if (view) view.countdown = setInterval(() => withTask(event.stage, show), 200);
        return;
      }
      case "stage-ready":
        stopCountdown(event.stage);
        return withTask(event.stage, (t) => {
          t.title = `${event.stage} ${style.dim(`${formatDuration(event.durationMs)}${event.attempts > 1 ? `, ${event.attempts} attempts` : ""}`)}`;
          end(event.stage).resolve();
        });
      case "stage-failed":
        stopCountdown(event.stage);
        return withTask(event.stage, (t) => {
          t.title = `${event.stage} ${style.dim(`after ${event.attempts} attempt${event.attempts === 1 ? "" : "s"}`)}${event.critical ? "" : style.yellow(" (non-critical)")}`;
          const tail = event.tail.slice(-MAX_TAIL).map((l) => `│ ${l}`);
          const hint = failureHint(event);
          end(event.stage).reject(new Error([event.error, ...tail, ...(hint ? [`hint: ${hint}`] : [])].join("\n")));
        });
      case "stage-skipped":
      case "stage-cancelled":
        stopCountdown(event.stage);
        return withTask(event.stage, (t) => {
          t.title = event.stage;
          t.skip(`${event.stage}: ${event.type === "stage-cancelled" ? "cancelled" : "skipped"} — ${event.reason}`);
          end(event.stage).resolve();
        });
      case "process-started":
      case "circuit-changed":
      case "outputs-saved":
        return;
      case "service-output":
        // During startup the task list owns the screen; afterwards lines stream.
        if (holding) later(() => plain(event));
        return;
      case "services-running":
        holding = true;
        return later(() => plain(event));
      case "service-exited":
      case "service-restarted":
      case "service-lost":
        return later(() => plain(event));
      case "rollback-started":
      case "rollback-stage":
      case "rollback-finished":
        return later(() => plain(event));
      case "run-finished":
        return later(() => {
          const colour = event.status === "ready" ? style.green : event.status === "degraded" ? style.yellow : style.red;
          write("");
          write(`${colour(style.bold(event.status))} in ${formatDuration(event.durationMs)} (exit ${event.exitCode}) · run ${event.runId}`);
          if (event.note) write(event.note);
          write("");
          for (const row of summaryTable(event.results, style)) write(row);
        });
      default:
        return unreachable(event);
    }
  }

  // Taken over by plain lines after a failure: let listr2 finish what it drew and stop.
  const abandon = () => {
    for (const view of views.values()) {
      if (view.countdown) clearInterval(view.countdown);
      view.done = true;
      view.appear();
      view.resolve();
    }
    waitingLine.done();
  };

  return {
    name: "the live view",
    onEvent,
    fallback: () => {
      abandon();
      return { name: "plain output", onEvent: plain };
    },
    close: async () => {
      for (const view of views.values()) if (view.countdown) clearInterval(view.countdown);
      await listrDone;
      await after;
    },
  };
}
