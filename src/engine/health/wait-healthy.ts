// Checks a stage until it is healthy, as docker's healthcheck does: every `interval`,
// failures during `start_period` do not count, and more than `retries` counted failures
// fail the attempt. Services also fail at once if their process exits meanwhile.
// As Kubernetes probes do, the first probe waits `initial_delay`, and the stage is ready
// after `success_threshold` passing probes in a row (a failure in between starts over).
import type { HealthCheck } from "../../config/types.js";
import { probeOnce, type ProbeContext, type ProbeResult } from "./probes.js";
import { deadline } from "../../util/deadline.js";

export interface HealthReport {
  ok: boolean;
  checks: number;
  detail: string;
}

export interface HealthWatch {
  check: HealthCheck;
  probe: Omit<ProbeContext, "timeoutMs">;
  onCheck: (result: ProbeResult & { check: number; maxChecks: number; durationMs: number }) => void;
  /** Resolves if the stage's process ends while we wait (services). */
  exited?: Promise<unknown>;
}

export async function waitHealthy(watch: HealthWatch): Promise<HealthReport | "exited" | "cancelled"> {
  const { check, probe } = watch;
  const started = Date.now();
  let exited = false;
  void watch.exited?.then(() => (exited = true));
  const maxChecks = check.retries + 1;
  let counted = 0;
  let checks = 0;
  let passesInARow = 0;
  if (check.initialDelayMs > 0) await pause(check.initialDelayMs, probe.signal, watch.exited);
  for (;;) {
    if (probe.signal.aborted) return "cancelled";
    if (exited) return "exited";
    const t0 = Date.now();
    const result = await probeOnce(check.probe, { ...probe, timeoutMs: check.timeoutMs });
    checks++;
    if (probe.signal.aborted) return "cancelled";
    const inStartPeriod = Date.now() - started < check.startPeriodMs;
    if (!result.ok && !inStartPeriod) counted++;
    passesInARow = result.ok ? passesInARow + 1 : 0;
    const detail = result.ok && check.successThreshold > 1 ? `${result.detail} (${passesInARow} of ${check.successThreshold} passes in a row)` : result.detail;
    watch.onCheck({ ok: result.ok, detail, check: counted + (result.ok ? 1 : 0), maxChecks, durationMs: Date.now() - t0 });
    if (passesInARow >= check.successThreshold) return { ok: true, checks, detail };
    if (counted >= maxChecks) return { ok: false, checks, detail };
    await pause(check.intervalMs, probe.signal, watch.exited);
  }
}

// Waits `ms`, less if the run stops or the process exits; the timer is cleared either
// way, so a long `initial_delay` cannot keep a finished run's process alive.
async function pause(ms: number, signal: AbortSignal, exited: Promise<unknown> | undefined): Promise<void> {
  const limit = deadline(signal, ms);
  const over = new Promise<void>((resolve) => limit.signal.addEventListener("abort", () => resolve(), { once: true }));
  try {
    await (exited ? Promise.race([over, exited]) : over);
  } finally {
    limit.clear();
  }
}
