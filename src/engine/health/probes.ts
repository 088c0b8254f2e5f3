// One health probe, once. Returns ok and a short detail a person can act on
// ("HTTP 503", "ECONNREFUSED 127.0.0.1:5432", "exit code 2").
import type { HealthProbe } from "../../config/types.js";
import { tcpAnswers } from "../preflight.js";
import type { UserIdentity } from "../process/user-identity.js";
import { startProcess } from "../process/run-process.js";
import { deadline } from "../../util/deadline.js";
import { BODY_SEARCH_LIMIT, searchBody } from "./body-search.js";
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
  /** A command probe runs as the stage's `user:`. */
  user?: UserIdentity;
}

export async function probeOnce(probe: HealthProbe, ctx: ProbeContext): Promise<ProbeResult> {
  switch (probe.type) {
    case "command": {
      const run = startProcess({ command: probe.command, cwd: ctx.cwd, env: ctx.env, timeoutMs: ctx.timeoutMs, killTimeoutMs: 1000, signal: ctx.signal, log: undefined, redactor: undefined, user: ctx.user });
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

// The probe's timeout covers the whole exchange, body included.
async function probeHttp(probe: Extract<HealthProbe, { type: "http" }>, ctx: ProbeContext): Promise<ProbeResult> {
  const limit = deadline(ctx.signal, ctx.timeoutMs);
  try {
    const response = await fetch(probe.url, { signal: limit.signal, redirect: "manual" });
    const statusOk = probe.status ? probe.status.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!statusOk || probe.bodyContains === undefined || !response.body) {
      response.body?.cancel().catch(() => undefined);
      if (statusOk && probe.bodyContains !== undefined) return { ok: false, detail: `HTTP ${response.status}, body lacks ${JSON.stringify(probe.bodyContains)}` };
      return { ok: statusOk, detail: `HTTP ${response.status}` };
    }
    switch (await searchBody(response.body, probe.bodyContains)) {
      case "found":
        return { ok: true, detail: `HTTP ${response.status}` };
      case "absent":
        return { ok: false, detail: `HTTP ${response.status}, body lacks ${JSON.stringify(probe.bodyContains)}` };
      case "limit-reached":
        return { ok: false, detail: `HTTP ${response.status}, body_contains: no match in the first ${BODY_SEARCH_LIMIT / (1024 * 1024)} MiB of the body` };
    }
  } catch (error) {
    if (limit.expired()) return { ok: false, detail: `no answer within ${ctx.timeoutMs}ms` };
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    if (cause?.code) return { ok: false, detail: `${cause.code} ${new URL(probe.url).host}` };
    return { ok: false, detail: (error as Error).message };
  } finally {
    limit.clear();
  }
}
