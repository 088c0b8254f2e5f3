// A throwaway PostgreSQL cluster for tests: initdb in a temp dir, pg_ctl on a free port,
// trust auth on 127.0.0.1. As root (CI) it runs as the `postgres` user, as
// examples/shop/bin/pg.sh does: PostgreSQL refuses to run as root.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.js";

export interface PgCluster {
  /** postgres://fleet@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Runs SQL through psql (in database `postgres` unless named); returns its unaligned, tuples-only output. */
  psql(sql: string, database?: string): string;
  /** pg_ctl stop -m fast: every session is ended, as a database restart does. */
  stop(): void;
  start(): void;
  destroy(): void;
}

const isRoot = process.getuid?.() === 0;

function pgBin(): string {
  const found = spawnSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"], { encoding: "utf8" }).stdout.trim();
  // `npm run test:setup` installs it; without it the test must fail, never skip.
  if (!found) throw new Error("PostgreSQL is not installed: apt-get install postgresql (`npm run test:setup` does this)");
  return found;
}

function asPostgres(file: string, args: string[]): SpawnSyncReturns<string> {
  const result = isRoot ? spawnSync("runuser", ["-u", "postgres", "--", file, ...args], { encoding: "utf8" }) : spawnSync(file, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${path.basename(file)} failed: ${result.stderr || result.stdout}`);
  return result;
}

export async function startPostgres(): Promise<PgCluster> {
  const bin = pgBin();
  const dir = mkdtempSync(path.join(tmpdir(), "netra-pg-"));
  chmodSync(dir, 0o755);
  const data = path.join(dir, "data");
  const socket = path.join(dir, "run");
  mkdirSync(data);
  mkdirSync(socket);
  if (isRoot) spawnSync("chown", ["-R", "postgres", data, socket]);
  asPostgres(path.join(bin, "initdb"), ["-D", data, "-U", "fleet", "--auth=trust", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  // -w: pg_ctl returns once the server accepts connections.
  const start = () => void asPostgres(path.join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", path.join(socket, "server.log"), "-w", "start"]);
  start();
  let running = true;
  const stop = () => {
    if (running) asPostgres(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
    running = false;
  };
  return {
    url: `postgres://fleet@127.0.0.1:${port}/postgres`,
    port,
    psql(sql, database = "postgres") {
      const result = spawnSync(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "fleet", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], { encoding: "utf8" });
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    stop,
    start() {
      if (!running) start();
      running = true;
    },
    destroy() {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
