// One health probe, once. Returns ok and a short detail a person can act on
// ("HTTP 503", "ECONNREFUSED 127.0.0.1:5432", "exit code 2").
import type { HealthProbe } from "../../config/types.js";
import { tcpAnswers } from "../preflight.js";
import { startProcess } from "../process/run-process.js";
import { oneLine } from "../../util/visible-text.js";

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

export interface ProbeContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  /** For `log` probes: has any output line matched so far? */
  logMatched: () => boolean;
  /** A probe command started: its group is recorded, so a kill -9 of the supervisor cannot orphan it. */
  onProcess?: (pgid: number) => void;
}

export async function probeOnce(probe: HealthProbe, ctx: ProbeContext): Promise<ProbeResult> {
  switch (probe.type) {
    case "command": {
      const run = startProcess({ command: probe.command, cwd: ctx.cwd, env: ctx.env, timeoutMs: ctx.timeoutMs, killTimeoutMs: 1000, signal: ctx.signal, log: undefined, redactor: undefined });
      if (run.pid !== undefined) ctx.onProcess?.(run.pid);
      const outcome = await run.outcome;
      const last = run.lines.lastLines().at(-1);
      if (outcome.kind === "exit") return { ok: outcome.exitCode === 0, detail: outcome.exitCode === 0 ? "exit code 0" : `exit code ${outcome.exitCode}${last ? `: ${oneLine(last)}` : ""}` };
      if (outcome.kind === "timeout") return { ok: false, detail: `no answer within ${ctx.timeoutMs}ms` };
      return { ok: false, detail: outcome.kind === "spawn-error" ? outcome.message : outcome.kind === "signal" ? `killed by ${outcome.signal}` : "cancelled" };
    }
    case "http":
      return probeHttp(probe, ctx);
    case "tcp": {
      const problem = await tcpAnswers(probe.host, probe.port, ctx.timeoutMs);
      return problem ? { ok: false, detail: `${problem} ${probe.host}:${probe.port}` } : { ok: true, detail: `connected to ${probe.host}:${probe.port}` };
    }
    case "log":
      return ctx.logMatched() ? { ok: true, detail: `output matched /${probe.pattern}/` } : { ok: false, detail: `no output line matches /${probe.pattern}/ yet` };
  }
}

async function probeHttp(probe: Extract<HealthProbe, { type: "http" }>, ctx: ProbeContext): Promise<ProbeResult> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]);
  try {
    const response = await fetch(probe.url, { signal, redirect: "manual" });
    const statusOk = probe.status ? probe.status.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!statusOk) {
      await response.body?.cancel();
      return { ok: false, detail: `HTTP ${response.status}` };
    }
    if (probe.bodyContains !== undefined) {
      const body = await response.text();
      if (!body.includes(probe.bodyContains)) return { ok: false, detail: `HTTP ${response.status}, body lacks ${JSON.stringify(probe.bodyContains)}` };
    } else await response.body?.cancel();
    return { ok: true, detail: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    if ((error as Error).name === "TimeoutError") return { ok: false, detail: `no answer within ${ctx.timeoutMs}ms` };
    if (cause?.code) return { ok: false, detail: `${cause.code} ${new URL(probe.url).host}` };
    return { ok: false, detail: (error as Error).message };
  }
}
