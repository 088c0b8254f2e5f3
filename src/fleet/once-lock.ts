// The advisory lock of one `once: fleet` stage and its row in netra_once_results.
import type { CoordinationSession } from "./coordination-session.js";
import { advisoryLockId, type OnceKey } from "./once-key.js";

/** A row's state: `running` until its holder records `ready` or `failed` (or dies). */
export type OnceStatus = "running" | "ready" | "failed";

export interface RecordedResult {
  status: OnceStatus;
  host: string;
  error: string | null;
  outputs: Record<string, string> | null;
  finishedAt: Date | null;
}

export type LockWait = { ok: true } | { ok: false; why: "timeout" | "lost" | "cancelled"; error: unknown };

/** SQLSTATE lock_not_available: lock_timeout expired. */
const LOCK_TIMEOUT = "55P03";

export class OnceLock {
  private readonly id: string;

  constructor(
    private readonly session: CoordinationSession,
    private readonly key: OnceKey,
  ) {
    this.id = advisoryLockId(key).toString();
  }

  /** Takes the lock if free; else says since when (server clock) this host waits. */
  async tryTake(): Promise<{ taken: true } | { taken: false; since: Date }> {
    const [row] = await this.session.query<{ taken: boolean; since: Date }>("SELECT pg_try_advisory_lock($1::bigint) AS taken, clock_timestamp() AS since", [this.id]);
    return row?.taken ? { taken: true } : { taken: false, since: row?.since ?? new Date(0) };
  }

  // pg_advisory_lock blocks in the server until the holder's session unlocks or ends:
  // no polling. lock_timeout bounds the wait (it applies to advisory locks too).
  async wait(timeoutMs: number, signal: AbortSignal): Promise<LockWait> {
    const cancel = () => void this.session.close();
    signal.addEventListener("abort", cancel, { once: true });
    try {
      await this.session.query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      await this.session.query("SELECT pg_advisory_lock($1::bigint)", [this.id]);
      await this.session.query("SET lock_timeout = 0");
      return { ok: true };
    } catch (error) {
      if (signal.aborted) return { ok: false, why: "cancelled", error };
      if ((error as { code?: unknown }).code === LOCK_TIMEOUT) return { ok: false, why: "timeout", error };
      return { ok: false, why: "lost", error };
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  async release(): Promise<void> {
    await this.session.query("SELECT pg_advisory_unlock($1::bigint)", [this.id]);
  }

  // Who holds it: the application_name of the session holding the lock (pg_locks splits
  // a bigint key into classid = high 32 bits, objid = low 32 bits, objsubid = 1), else
  // the host the results row names.
  async holder(): Promise<string> {
    const id = BigInt.asUintN(64, BigInt(this.id));
    const [lock] = await this.session.query<{ name: string | null }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid LIMIT 1`,
      [(id >> 32n).toString(), (id & 0xffffffffn).toString()],
    );
    const name = lock?.name?.replace(/^netra-start /, "");
    if (name) return name;
    const recorded = await this.recorded();
    return recorded?.status === "running" ? recorded.host : "another host";
  }

  async recorded(): Promise<RecordedResult | undefined> {
    const [row] = await this.session.query<{ status: RecordedResult["status"]; host: string; error: string | null; outputs: Record<string, string> | null; finished_at: Date | null }>(
      "SELECT status, host, error, outputs, finished_at FROM netra_once_results WHERE scope = $1 AND stage = $2 AND fingerprint = $3",
      [this.key.scope, this.key.stage, this.key.fingerprint],
    );
    return row ? { status: row.status, host: row.host, error: row.error, outputs: row.outputs, finishedAt: row.finished_at } : undefined;
  }

  async markRunning(host: string): Promise<void> {
    await this.session.query(
      `INSERT INTO netra_once_results (scope, stage, fingerprint, status, host, started_at) VALUES ($1, $2, $3, 'running', $4, clock_timestamp())
       ON CONFLICT (scope, stage, fingerprint) DO UPDATE SET status = 'running', host = EXCLUDED.host, error = NULL, outputs = NULL, started_at = EXCLUDED.started_at, finished_at = NULL`,
      [this.key.scope, this.key.stage, this.key.fingerprint, host],
    );
  }

  async record(result: { status: "ready"; outputs: Record<string, string> } | { status: "failed"; error: string }): Promise<void> {
    await this.session.query(
      "UPDATE netra_once_results SET status = $4, error = $5, outputs = $6, finished_at = clock_timestamp() WHERE scope = $1 AND stage = $2 AND fingerprint = $3",
      [this.key.scope, this.key.stage, this.key.fingerprint, result.status, result.status === "failed" ? result.error : null, result.status === "ready" ? JSON.stringify(result.outputs) : null],
    );
  }
}
