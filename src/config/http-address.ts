// The health endpoint's address (settings.http, `up --http`). Bound to loopback it is
// reachable only from this machine; on any other address anyone who can reach the port
// could read the run's state and metrics, so a bearer token is then required.
import { isIP } from "node:net";

export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

export const HTTP_TOKEN_HINT =
  "set settings.http_token (e.g. http_token: ${NETRA_HTTP_TOKEN}) so that only callers sending `Authorization: Bearer <token>` are answered, or bind to 127.0.0.1";
