// The health endpoint of a running `up` (settings.http, `up --http`): Kubernetes'
// startup/liveness/readiness probes and Prometheus' /metrics, answered from the run's one
// RunState. Loaded only when asked for, so `up` starts no slower without it. With a token,
// every request must carry `Authorization: Bearer <token>` (compared in constant time).
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { RunState } from "../engine/run-state.js";
import { probeOk, startupView, type Probe } from "./health-view.js";
import { renderLiveMetrics } from "./live-metrics.js";

export interface HealthServerOptions {
  host: string;
  port: number;
  token: string | undefined;
  /** Undefined until the run exists: the endpoint listens before the first stage starts. */
  state: () => RunState | undefined;
  name: string;
  startedAt: number;
  /** The run's redactor: errors in the state are raw, the endpoint's answers are not. */
  redact: (text: string) => string;
}

export interface HealthServer {
  /** host:port actually bound (port 0 picks one). */
  address: string;
  close(): Promise<void>;
}

const PROBES: Record<string, Probe> = { "/health/startup": "startup", "/health/live": "live", "/health/ready": "ready" };

export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((req, res) => answer(options, req, res));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const bound = server.address();
      const port = typeof bound === "object" && bound ? bound.port : options.port;
      resolve({
        address: `${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function answer(options: HealthServerOptions, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] as string;
  if (options.token !== undefined && !authorized(req.headers.authorization, options.token)) {
    return send(res, 401, "application/json", { error: "missing or wrong bearer token" }, { "www-authenticate": 'Bearer realm="netra-start"' });
  }
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "application/json", { error: "only GET and HEAD" }, { allow: "GET, HEAD" });
  const state = options.state();
  if (path === "/metrics") return send(res, 200, "text/plain; version=0.0.4; charset=utf-8", renderLiveMetrics(state, options.name, options.startedAt));
  const probe = PROBES[path];
  if (!probe) return send(res, 404, "application/json", { error: `no such path; try ${Object.keys(PROBES).join(", ")} or /metrics` });
  const ok = probeOk(state, probe);
  const body = probe === "startup" && state ? startupView(state, options.startedAt, options.redact) : { ok, status: ok ? "ok" : state?.stopped ? "stopping" : "starting" };
  send(res, ok ? 200 : 503, "application/json", body);
}

function authorized(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? "")?.[1];
  if (given === undefined) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function send(res: http.ServerResponse, status: number, type: string, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(text);
}
