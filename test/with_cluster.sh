#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster and always stops it.
#
# The cluster lives in a private temporary directory, listens only on a Unix
# socket there (no TCP port to collide with), trusts local connections, and
# runs as the 'postgres' OS user when started by root (initdb refuses root).
# The command gets PGHOST, PGPORT, PGUSER and PGDATABASE; its exit status is
# this script's.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_CONFIG=${PG_CONFIG:-pg_config}
if [ -s .pg-bindir ]; then bindir=$(cat .pg-bindir); else bindir=$("$PG_CONFIG" --bindir); fi

if [ "$(id -u)" -eq 0 ]; then
    as_server() { runuser -u postgres -- "$@"; }
else
    as_server() { "$@"; }
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/competency-cluster.XXXXXX")
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"

stop_cluster() {
    status=$?
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
            as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ $status -ne 0 ] && [ -f "$dir/server.log" ]; then
        echo "--- last lines of the server log ($dir/server.log) ---" >&2
        tail -n 20 "$dir/server.log" >&2
    fi
    rm -rf "$dir"
    exit $status
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

as_server "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
fsync = off
shared_buffers = 256MB
max_parallel_workers_per_gather = 2
timezone = 'UTC'
CONF
as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null

export PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
export COMPETENCY_CLUSTER_DIR=$dir
"$@"
