// The live view's text, from the view model: the live region (redrawn, each line cut to
// the terminal's width so none wraps) and the permanent lines (printed once). Pure.
import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/duration.js";
import { unreachable } from "../engine/failure.js";
import type { ActiveStage, LiveViewModel, Permanent } from "./live-view-model.js";
import { fitLine, keepColours, plainText, type Part } from "./terminal-text.js";

export const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const WAITING_NAMES = 4;
/** More skipped stages than this at once (a run that stops) make one line, not one each. */
const SKIPPED_ONE_BY_ONE = 3;
const MAX_TAIL = 8;

export interface FrameSize {
  columns: number;
  rows: number;
}

/** A terminal that reports no size (`script`, `docker exec -t` before a resize) is drawn at 80×24. */
export function frameSize(columns: number | undefined, rows: number | undefined): FrameSize {
  return { columns: columns && columns > 0 ? columns : 80, rows: rows && rows > 0 ? rows : 24 };
}

/**
 * The live region: a line per running or retrying stage (as many as half the terminal
 * holds, then "… and N more running"), and one line of counts that names the first
 * stages still waiting. Every line fits in columns - 1: writing the last column makes
 * some terminals wrap, and a wrapped line breaks the cursor-up that erases the region.
 */
export function liveLines(model: LiveViewModel, size: FrameSize, now: number, tick: number, style: ChalkInstance): string[] {
  if (model.total === 0) return [];
  const width = Math.max(1, size.columns - 1);
  // On a terminal of a few rows, the counts alone: the region must never reach the top.
  if (size.rows < 6) return [fitLine([[countsLine(model), style.dim]], width)];
  const room = Math.floor(size.rows / 2) - 1;
  const lines: string[] = [];
  const active = model.activeCount;
  const shown = active > room ? room - 1 : active;
  for (const stage of model.activeStages()) {
    if (lines.length >= shown) break;
    lines.push(fitLine(activeLine(stage, now, tick, style), width));
  }
  if (active > shown) lines.push(fitLine([[`… and ${active - shown} more running`, style.dim]], width));
  lines.push(fitLine([[countsLine(model), style.dim]], width));
  return lines;
}

function activeLine(stage: ActiveStage, now: number, tick: number, style: ChalkInstance): Part[] {
  if (stage.phase === "retrying") {
    const left = Math.max(0, (stage.retryAt ?? now) - now);
    return [
      ["↻ ", style.yellow],
      [stage.name],
      [` retrying in ${formatDuration(left)} (attempt ${stage.nextAttempt ?? stage.attempt + 1}/${stage.maxAttempts})`, style.yellow],
      [stage.detail ? ` · ${stage.detail}` : "", style.dim],
    ];
  }
  // Every stage may have retries: the attempt is news only from the second one on.
  const attempt = stage.attempt > 1 ? ` · attempt ${stage.attempt}/${stage.maxAttempts}` : "";
  return [
    [`${SPINNER[tick % SPINNER.length]} `, style.yellow],
    [stage.name],
    [` ${formatDuration(Math.max(0, now - stage.startedAt))}${attempt}`, style.dim],
    [stage.detail ? ` · ${stage.detail}` : ""],
  ];
}

/** `12/200 ready · 8 running · 1 failed · 180 waiting: s20, s21, s22, s23, …` */
export function countsLine(model: LiveViewModel): string {
  const c = model.counts();
  const parts = [`${c.ready}/${model.total} ready`, `${c.running + c.retrying} running`];
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  if (c.cancelled > 0) parts.push(`${c.cancelled} cancelled`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.waiting > 0) parts.push(`${c.waiting} waiting: ${model.waitingNames(WAITING_NAMES).join(", ")}${c.waiting > WAITING_NAMES ? ", …" : ""}`);
  return parts.join(" · ");
}

/**
 * The permanent lines for what finished since the last frame. Each stage gets its line
 * (✔ name duration; ✖ name after N attempts, its error, output tail and hint), except
 * that a burst of skipped stages with one reason — everything still waiting when a run
 * stops — is one line that counts them.
 */
export function permanentLines(items: readonly Permanent[], style: ChalkInstance): string[] {
  const lines: string[] = [];
  const skippedBy = new Map<string, string[]>();
  for (const item of items) {
    if (item.kind !== "skipped") continue;
    const names = skippedBy.get(item.reason);
    if (names) names.push(item.name);
    else skippedBy.set(item.reason, [item.name]);
  }
  for (const item of items) {
    switch (item.kind) {
      case "ready": {
        const more = item.attempts > 1 ? `, ${item.attempts} attempts` : "";
        lines.push(`${style.green("✔")} ${plainText(item.name)} ${style.dim(`${formatDuration(item.durationMs)}${more}`)}`);
        break;
      }
      case "failed": {
        const noncritical = item.critical ? "" : style.yellow(" (non-critical)");
        lines.push(`${style.red("✖")} ${plainText(item.name)} ${style.dim(`after ${item.attempts} attempt${item.attempts === 1 ? "" : "s"}`)}${noncritical}`);
        for (const line of item.error.split("\n")) if (line.trim() !== "") lines.push(`  ${style.red("›")} ${plainText(line)}`);
        for (const line of item.tail.slice(-MAX_TAIL)) lines.push(`    ${style.dim("│")} ${plainText(line)}`);
        if (item.hint) lines.push(`    ${style.cyan("hint:")} ${plainText(item.hint)}`);
        break;
      }
      case "skipped": {
        const names = skippedBy.get(item.reason);
        if (!names) break; // already said, with the first of its burst
        skippedBy.delete(item.reason);
        if (names.length <= SKIPPED_ONE_BY_ONE) {
          for (const name of names) lines.push(`${style.yellow("↷")} ${plainText(name)} ${style.dim(`skipped: ${plainText(item.reason)}`)}`);
        } else {
          const first = names.slice(0, WAITING_NAMES).map(plainText).join(", ");
          lines.push(`${style.yellow("↷")} ${names.length} stages skipped: ${plainText(item.reason)} ${style.dim(`(${first}, …)`)}`);
        }
        break;
      }
      case "cancelled":
        lines.push(`${style.yellow("⚠")} ${plainText(item.name)} ${style.dim(`cancelled: ${plainText(item.reason)}`)}`);
        break;
      case "text":
        lines.push(keepColours(item.line));
        break;
      default:
        unreachable(item);
    }
  }
  return lines;
}
