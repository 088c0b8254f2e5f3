// The coordination database's own tables, created by numbered migrations under a
// transaction-level advisory lock (eight hosts starting at once must not race to create
// them). A database migrated by a newer netra-start is refused, not guessed at.
import type { CoordinationSession } from "./coordination-session.js";
import { shownUrl } from "./database-url.js";
import { REPORT_TABLES_SQL } from "./report-tables.js";

/** Fixed advisory lock id for migrating the fleet tables ("netra" in ASCII, then 1). */
const SCHEMA_LOCK_ID = "474335536097";

const MIGRATIONS: readonly string[] = [
  // 1: the result of each `once: fleet` stage, per scope and fingerprint.
  `CREATE TABLE netra_once_results (
     scope text NOT NULL,
     stage text NOT NULL,
     fingerprint text NOT NULL,
     status text NOT NULL CHECK (status IN ('running', 'ready', 'failed')),
     host text NOT NULL,
     error text,
     outputs jsonb,
     started_at timestamptz NOT NULL,
     finished_at timestamptz,
     PRIMARY KEY (scope, stage, fingerprint)
   )`,
  // 2: settings.report_store: postgres — every host's runs, with SQLite's columns plus `host`.
  REPORT_TABLES_SQL,
];

export const FLEET_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the tables to this version; says what to do when the database is newer. */
export async function migrateFleetSchema(session: CoordinationSession): Promise<{ ok: true } | { ok: false; message: string }> {
  await session.query("BEGIN");
  try {
    await session.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_ID})`);
    await session.query("CREATE TABLE IF NOT EXISTS netra_fleet_schema (version integer NOT NULL)");
    const [row] = await session.query<{ version: number | null }>("SELECT max(version) AS version FROM netra_fleet_schema");
    const current = row?.version ?? 0;
    if (current > FLEET_SCHEMA_VERSION) {
      await session.query("ROLLBACK");
      const c = session.coordination;
      return {
        ok: false,
        message: `schema version mismatch: the coordination database ${shownUrl(c.postgres)} (settings.coordination.postgres, ${c.where}) holds netra-start's fleet tables at version ${current}, this netra-start knows up to ${FLEET_SCHEMA_VERSION}; upgrade netra-start on this host to the version the rest of the fleet runs`,
      };
    }
    for (let version = current + 1; version <= FLEET_SCHEMA_VERSION; version++) {
      await session.query(MIGRATIONS[version - 1] as string);
      await session.query("INSERT INTO netra_fleet_schema (version) VALUES ($1)", [version]);
    }
    await session.query("COMMIT");
    return { ok: true };
  } catch (error) {
    await session.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
