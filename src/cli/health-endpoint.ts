// `up`'s health endpoint: where (settings.http, or `up --http`, which wins), checked
// before anything runs — an address others can reach needs settings.http_token, and an
// address that cannot be bound is a usage error (exit 2), not a failed run. The server
// module is imported only here, only when an address is given.
import type { Config } from "../config/types.js";
import { HTTP_TOKEN_HINT, isLoopbackHost } from "../config/http-address.js";
import { checkHostPort } from "../config/typed-values.js";
import type { RunState } from "../engine/run-state.js";
import type { HealthServer } from "../http/health-server.js";
import { UsageError } from "./exit.js";
import { err } from "./io.js";

export async function openHealthEndpoint(config: Config, flag: string | undefined, redact: (text: string) => string, state: () => RunState | undefined): Promise<HealthServer | undefined> {
  const address = flag === undefined ? config.settings.http : parseAddress(flag);
  if (!address) return undefined;
  const token = config.settings.httpToken;
  if (!token && !isLoopbackHost(address.host)) throw new UsageError(`--http ${flag}: the health endpoint would be reachable from other machines, and no settings.http_token is set`, HTTP_TOKEN_HINT);
  const { startHealthServer } = await import("../http/health-server.js");
  try {
    const server = await startHealthServer({ ...address, token, state, name: config.name, startedAt: Date.now(), redact });
    err(`health endpoint: http://${server.address}/health/startup, /health/live, /health/ready, /metrics`);
    return server;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = `${address.host}:${address.port}`;
    throw new UsageError(`cannot serve the health endpoint on ${shown}: ${code === "EADDRINUSE" ? "the address is in use" : (error as Error).message}`, "choose another address in settings.http or with --http, or stop what listens there");
  }
}

function parseAddress(text: string): { host: string; port: number } {
  const checked = checkHostPort(text);
  if (!checked.ok) throw new UsageError(`--http ${text}: expected ${checked.expected}`, "e.g. --http 127.0.0.1:9464");
  const colon = text.lastIndexOf(":");
  return { host: text.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(text.slice(colon + 1)) };
}
