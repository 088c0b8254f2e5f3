// What went wrong with the coordination database, worded once: what, where (the config
// line of settings.coordination.postgres) and how to fix it.
import type { Coordination } from "../config/types.js";
import { shownUrl } from "./database-url.js";

/** SQLSTATEs that mean "the server ended our session" (shutdown, admin command, crash). */
const SERVER_GONE = new Set(["57P01", "57P02", "57P03"]);

export function pgErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // AggregateError (both ::1 and 127.0.0.1 refused) carries no message of its own.
  const message = error.message || (error instanceof AggregateError ? error.errors.map((e: Error) => e.message).join("; ") : "") || error.name;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? `${message} (SQLSTATE ${code})` : message;
}

export function isServerGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && SERVER_GONE.has(code);
}

export function unreachableMessage(c: Coordination, error: unknown): string {
  return `cannot reach the coordination database ${shownUrl(c.postgres)} (settings.coordination.postgres, ${c.where}): ${pgErrorText(error)}; start PostgreSQL or fix the URL, then run up again`;
}

// A statement the server refused (no right to create the tables, a read-only replica):
// the connection is fine, so "lost" would send the user the wrong way.
export function refusedMessage(c: Coordination, doing: string, error: unknown): string {
  return `the coordination database ${shownUrl(c.postgres)} (settings.coordination.postgres, ${c.where}) refused a statement while ${doing}: ${pgErrorText(error)}; the user in the URL must be able to create and write netra-start's tables (docs/fleet.md)`;
}

export function lostMessage(c: Coordination, doing: string, error: unknown): string {
  return `lost the coordination database ${shownUrl(c.postgres)} (settings.coordination.postgres, ${c.where}) while ${doing}: ${pgErrorText(error)}; check that PostgreSQL is running, then run up again`;
}
