// One session with the coordination database. A session-level advisory lock lives and
// dies with it: a host that dies (kill -9, a lost pod) releases its lock when PostgreSQL
// sees the socket close, and the next waiter runs the stage. `pg` is imported here, and
// this file only when settings.coordination is set, so a run without it loads none of it.
import type { Client } from "pg";
import type { Coordination } from "../config/types.js";
import { isServerGone, lostMessage, refusedMessage, unreachableMessage } from "./coordination-error.js";

export type Opened = { ok: true; session: CoordinationSession } | { ok: false; message: string };

/** Limit for connecting, as psql's connect_timeout: long enough for a slow network, short enough to say so. */
const CONNECT_TIMEOUT_MS = 10_000;

export class CoordinationSession {
  /** Set when the connection ended without us closing it. */
  private lostError: unknown;
  private closing = false;
  private readonly lostController = new AbortController();

  private constructor(
    private readonly client: Client,
    readonly coordination: Coordination,
  ) {
    // Without a listener, an idle connection's error would be an uncaught exception.
    client.on("error", (error) => this.markLost(error));
    client.on("end", () => this.markLost(new Error("the server closed the connection")));
  }

  static async open(coordination: Coordination, host: string, signal: AbortSignal): Promise<Opened> {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: coordination.postgres, application_name: `netra-start ${host}`, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    const session = new CoordinationSession(client, coordination);
    const abort = () => void session.close();
    signal.addEventListener("abort", abort, { once: true });
    try {
      await client.connect();
      await session.checkClientGone();
      return { ok: true, session };
    } catch (error) {
      await session.close();
      return { ok: false, message: unreachableMessage(coordination, error) };
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  /** Aborted when the connection is lost (and so is any advisory lock it held). */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  lostMessage(doing: string, error?: unknown): string {
    return lostMessage(this.coordination, doing, this.lostError ?? error);
  }

  /** What a failed statement means: the connection went away, or the server said no. */
  failureMessage(doing: string, error: unknown): string {
    const code = (error as { code?: unknown } | undefined)?.code;
    const sqlstate = typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
    return this.lost.aborted || isServerGone(error) || !sqlstate ? this.lostMessage(doing, error) : refusedMessage(this.coordination, doing, error);
  }

  async query<Row extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
    const result = await this.client.query<Row>(text, values);
    return result.rows;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.client.end().catch(() => undefined);
  }

  // A backend blocked in pg_advisory_lock does not read its socket: without this check
  // (PostgreSQL 14+) a waiter that went away would keep waiting in the server, take the
  // lock when the holder finishes and only then notice. Older servers lack it: harmless.
  private async checkClientGone(): Promise<void> {
    await this.client.query("SET client_connection_check_interval = 1000").catch(() => undefined);
  }

  private markLost(error: unknown): void {
    if (this.closing || this.lostController.signal.aborted) return;
    this.lostError = error;
    this.lostController.abort();
  }
}
