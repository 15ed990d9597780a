#!/usr/bin/env bash
# make test-citus: the aggregates on a real Citus cluster (a coordinator and
# two workers on loopback), against the same data on one node.  Installs
# Citus into the local PostgreSQL when it is missing, with the installer
# named by CITUS_INSTALLER (default ../shared/tools/install-citus.sh, which
# builds Citus 13.2.2 from source in about 7 minutes).  Always stops the nodes.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/cluster_lib.sh

installer=${CITUS_INSTALLER:-../shared/tools/install-citus.sh}
if [ ! -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; then
    if [ ! -x "$installer" ]; then
        echo "test-citus: Citus is not installed and no installer is at $installer" >&2
        echo "test-citus: set CITUS_INSTALLER to a script that installs Citus for $("$PG_CONFIG" --version)" >&2
        exit 1
    fi
    "$installer" "$PG_CONFIG"
fi
if [ -s .pg-bindir ] && [ "$(cat .pg-bindir)" != "$("$PG_CONFIG" --bindir)" ] &&
   [ ! -e "${bindir%"$("$PG_CONFIG" --bindir)"}$("$PG_CONFIG" --pkglibdir)/citus.so" ]; then
    # a private install (COMPETENCY_PRIVATE_INSTALL) links the system's
    # libraries as they were when it was made: make it again, with Citus
    ./test/install.sh
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/competency-citus.XXXXXX")
chmod 755 "$base"
nodes=()
stop_nodes() {
    status=$?
    for dir in "${nodes[@]}"; do
        as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    done
    if [ $status -ne 0 ]; then
        for dir in "${nodes[@]}"; do
            echo "--- last lines of $dir/server.log ---" >&2
            tail -n 15 "$dir/server.log" >&2 || true
        done
    fi
    rm -rf "$base"
    exit $status
}
trap stop_nodes EXIT
trap 'exit 130' INT TERM

ports=()
for name in coordinator worker1 worker2; do
    dir=$base/$name
    port=$(free_port)
    init_cluster "$dir"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_preload_libraries = 'citus'
fsync = off
timezone = 'UTC'
max_connections = 100
shared_buffers = 128MB
CONF
    as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    nodes+=("$dir")
    ports+=("$port")
done
echo "test-citus: coordinator on 127.0.0.1:${ports[0]}, workers on ${ports[1]} and ${ports[2]}"

export PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=postgres
for port in "${ports[@]}"; do
    psql -X -q -p "$port" -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION citus' -c 'CREATE EXTENSION competency'
done
psql -X -q -p "${ports[0]}" -v ON_ERROR_STOP=1 -d postgres -c 'CREATE EXTENSION pgtap' \
    -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" \
    -c "SELECT citus_add_node('127.0.0.1', ${ports[1]})" \
    -c "SELECT citus_add_node('127.0.0.1', ${ports[2]})" >/dev/null
PGPORT=${ports[0]} pg_prove -d postgres test/citus/citus.sql

# The competency layer on the Ed-Fi ODS distributed by student, against one node
test/citus/layer.sh "${ports[@]}"
