// After ready, a service goes on being probed (its `liveness`, else its `health`) every
// interval, as Kubernetes' livenessProbe and docker's healthcheck do: `retries`
// consecutive failures (at least one) say it is unhealthy, and a pass starts the count
// over. No start_period: the service was already ready. A passing probe after a passing
// probe is not reported — a service up for a day would otherwise write a health row a
// second; failures, and the first pass after a failure, are.
import type { HealthCheck } from "../../config/types.js";
import { probeOnce, type ProbeContext, type ProbeResult } from "./probes.js";
import { sleep } from "../../util/sleep.js";

export interface LivenessWatch {
  check: HealthCheck;
  probe: Omit<ProbeContext, "timeoutMs">;
  onCheck: (result: ProbeResult & { check: number; maxChecks: number; durationMs: number }) => void;
}

export interface Unhealthy {
  failures: number;
  detail: string;
}

export function failureThreshold(check: HealthCheck): number {
  return Math.max(1, check.retries);
}

/** Resolves once the service is unhealthy, or with "stopped" when the probe's signal is aborted. */
export async function watchLiveness(watch: LivenessWatch): Promise<Unhealthy | "stopped"> {
  const { check, probe } = watch;
  const threshold = failureThreshold(check);
  let failures = 0;
  for (;;) {
    await sleep(check.intervalMs, probe.signal);
    if (probe.signal.aborted) return "stopped";
    const t0 = Date.now();
    const result = await probeOnce(check.probe, { ...probe, timeoutMs: check.timeoutMs });
    if (probe.signal.aborted) return "stopped";
    const wasFailing = failures > 0;
    failures = result.ok ? 0 : failures + 1;
    if (!result.ok || wasFailing) watch.onCheck({ ...result, check: result.ok ? 1 : failures, maxChecks: threshold, durationMs: Date.now() - t0 });
    if (failures >= threshold) return { failures, detail: result.detail };
  }
}
