// `--output tty`: the listr2 live view. listr2 does not schedule anything here: one task
// per stage, all "concurrent", each awaiting a promise that engine events resolve
// (ready), reject (failed) or skip (skipped/cancelled). The engine keeps the real
// concurrency limit; this file only draws.
import type { ChalkInstance } from "chalk";
import { Listr, type DefaultRenderer, type ListrTaskWrapper, type SimpleRenderer } from "listr2";
import { formatDuration } from "../config/duration.js";
import type { EngineEvent } from "../engine/events.js";
import { failureHint } from "./failure-hint.js";
import { createPlainRenderer } from "./plain-renderer.js";
import type { Renderer } from "./renderer.js";
import { summaryTable } from "./summary-table.js";

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface StageView {
  task: Task | undefined;
  resolve: () => void;
  reject: (error: Error) => void;
  countdown: NodeJS.Timeout | undefined;
  /** Events that arrived before listr2 started the task function. */
  early: ((task: Task) => void)[];
}

const MAX_TAIL = 8;

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

  const withTask = (stage: string, fn: (task: Task) => void) => {
    const view = views.get(stage);
    if (!view) return;
    if (view.task) fn(view.task);
    else view.early.push(fn);
  };
  const stopCountdown = (stage: string) => {
    const view = views.get(stage);
    if (view?.countdown) clearInterval(view.countdown);
    if (view) view.countdown = undefined;
  };

  function start(event: Extract<EngineEvent, { type: "run-started" }>): void {
    write(style.bold(`${event.name}: starting ${event.stages.length} stage${event.stages.length === 1 ? "" : "s"} (concurrency ${event.concurrency})`));
    const tasks = event.stages.map((info) => {
      const view: StageView = { task: undefined, resolve: () => undefined, reject: () => undefined, countdown: undefined, early: [] };
      views.set(info.name, view);
      return {
        title: info.name,
        task: (_ctx: unknown, task: Task) =>
          new Promise<void>((resolve, reject) => {
            view.task = task;
            view.resolve = resolve;
            view.reject = reject;
            task.output = info.dependsOn.length > 0 ? `waiting for ${info.dependsOn.join(", ")}` : "waiting for a free slot";
            for (const fn of view.early.splice(0)) fn(task);
          }),
      };
    });
    const listr = new Listr(tasks, {
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
          views.get(event.stage)?.resolve();
        });
      case "stage-failed":
        stopCountdown(event.stage);
        return withTask(event.stage, (t) => {
          t.title = `${event.stage} ${style.dim(`after ${event.attempts} attempt${event.attempts === 1 ? "" : "s"}`)}${event.critical ? "" : style.yellow(" (non-critical)")}`;
          const tail = event.tail.slice(-MAX_TAIL).map((l) => `│ ${l}`);
          const hint = failureHint(event);
          views.get(event.stage)?.reject(new Error([event.error, ...tail, ...(hint ? [`hint: ${hint}`] : [])].join("\n")));
        });
      case "stage-skipped":
      case "stage-cancelled":
        stopCountdown(event.stage);
        return withTask(event.stage, (t) => {
          t.skip(`${event.stage}: ${event.type === "stage-cancelled" ? "cancelled" : "skipped"} — ${event.reason}`);
          views.get(event.stage)?.resolve();
        });
      case "process-started":
      case "circuit-changed":
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
    }
  }

  return {
    onEvent,
    close: async () => {
      for (const view of views.values()) if (view.countdown) clearInterval(view.countdown);
      await listrDone;
      await after;
    },
  };
}
