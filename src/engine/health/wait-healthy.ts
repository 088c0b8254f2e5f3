// Checks a stage until it is healthy, as docker's healthcheck does: every `interval`,
// failures during `start_period` do not count, and more than `retries` counted failures
// fail the attempt. Services also fail at once if their process exits meanwhile.
import type { HealthCheck } from "../../config/types.js";
import { probeOnce, type ProbeContext, type ProbeResult } from "./probes.js";
import { sleep } from "../../util/sleep.js";

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
  for (;;) {
    if (probe.signal.aborted) return "cancelled";
    if (exited) return "exited";
    const t0 = Date.now();
    const result = await probeOnce(check.probe, { ...probe, timeoutMs: check.timeoutMs });
    checks++;
    if (probe.signal.aborted) return "cancelled";
    const inStartPeriod = Date.now() - started < check.startPeriodMs;
    if (!result.ok && !inStartPeriod) counted++;
    watch.onCheck({ ...result, check: counted + (result.ok ? 1 : 0), maxChecks, durationMs: Date.now() - t0 });
    if (result.ok || counted >= maxChecks) return { ok: result.ok, checks, detail: result.detail };
    const pause = sleep(check.intervalMs, probe.signal);
    await (watch.exited ? Promise.race([pause, watch.exited]) : pause);
  }
}
