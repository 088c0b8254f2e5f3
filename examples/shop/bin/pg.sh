#!/bin/sh
# PostgreSQL helpers for the example, working as a normal user or as root (CI), where
# PostgreSQL refuses to run as root and is run as the `postgres` user instead.
#   pg.sh init | server | ready | psql ARGS...
# Uses $SHOP_DIR (data, socket) and $PGPORT.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
  exit 127
fi
data="$SHOP_DIR/pgdata"
sock="$SHOP_DIR/run"
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$1" in
  init)
    mkdir -p "$data" "$sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$data" "$sock"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$data" -U shop --auth=trust --no-sync >/dev/null
      echo "initialised $data"
    else
      echo "reusing $data"
    fi
    ;;
  server)
    # exec: the supervisor's process group is PostgreSQL's.
    exec $( [ "$(id -u)" = 0 ] && echo runuser -u postgres -- ) "$bin/postgres" -D "$data" -p "$PGPORT" -k "$sock" -c listen_addresses=127.0.0.1 -c fsync=off
    ;;
  ready)
    # -d postgres: without it pg_isready asks for a database named after the user, and
    # the server logs a FATAL "database does not exist" on every probe.
    "$bin/pg_isready" -h 127.0.0.1 -p "$PGPORT" -U shop -d postgres -q
    ;;
  psql)
    shift
    "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U shop -d postgres -v ON_ERROR_STOP=1 -q "$@"
    ;;
  *)
    echo "usage: pg.sh init|server|ready|psql" >&2
    exit 2
    ;;
esac
