#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster and always stops it.
#
# The cluster lives in a private temporary directory, listens only on a Unix
# socket there (no TCP port to collide with), trusts local connections, and
# runs as the 'postgres' OS user when started by root (initdb refuses root).
# The command gets PGHOST, PGPORT, PGUSER and PGDATABASE; its exit status is
# this script's.
#
# For the sanitizer and valgrind runs: COMPETENCY_SERVER_ENV adds variables to
# the server's environment, COMPETENCY_SERVER_WRAPPER runs the server under a
# tool (valgrind); afterwards the server log and the tool's logs are searched
# for reports, and any report fails the run.
#
# COMPETENCY_RELEASED_VERSIONS=1 starts the server from a private copy of the
# installation that also holds the full install scripts of every released
# version (test/released), so that CREATE EXTENSION ... VERSION '0.1.0' works
# in this cluster and nowhere else (for the upgrade and script-security tests).
set -euo pipefail
cd "$(dirname "$0")/.."

. test/cluster_lib.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/competency-cluster.XXXXXX")
chmod 755 "$dir"

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

if [ -n "${COMPETENCY_RELEASED_VERSIONS:-}" ]; then
    bindir=$(private_install "$dir/install")
    cp test/released/competency--*.sql "$dir/install$("$PG_CONFIG" --sharedir)/extension/"
fi
init_cluster "$dir"
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
fsync = off
shared_buffers = 256MB
max_parallel_workers_per_gather = 2
timezone = 'UTC'
CONF
read -r -a server_env <<<"${COMPETENCY_SERVER_ENV:-}"
read -r -a wrapper <<<"${COMPETENCY_SERVER_WRAPPER:-}"
export COMPETENCY_CLUSTER_DIR=$dir
if [ ${#wrapper[@]} -eq 0 ]; then
    as_server env "${server_env[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
else
    as_server env "${server_env[@]}" COMPETENCY_CLUSTER_DIR="$dir" "${wrapper[@]}" \
        "$bindir/postgres" -D "$dir/data" >"$dir/server.log" 2>&1 &
    for _ in $(seq 1 300); do
        "$bindir/pg_isready" -q -h "$dir" -p 5432 && break
        sleep 1
    done
fi

export PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
set +e
"$@"
status=$?
set -e

# Reports of the sanitizers (in the server log) and of valgrind (its logs)
if [ -n "${COMPETENCY_SERVER_ENV:-}${COMPETENCY_SERVER_WRAPPER:-}" ]; then
    as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 600 stop >/dev/null 2>&1 || true
    if grep -E -l 'ERROR: AddressSanitizer|runtime error:' "$dir/server.log" >/dev/null 2>&1; then
        echo "with_cluster: sanitizer report in the server log:" >&2
        grep -E -A30 'ERROR: AddressSanitizer|runtime error:' "$dir/server.log" >&2
        status=1
    fi
    logs=0; errors=0
    for log in "$dir"/valgrind.*.log; do
        [ -f "$log" ] || continue
        logs=$((logs + 1))
        errors=$((errors + $(grep -c '^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|Mismatched\|overlap\)' "$log" || true)))
        [ -s "$log" ] || continue
        # an error block is separated by blank lines; keep those naming our code
        if awk 'BEGIN{RS=""} /competency\.so/ {print; found=1} END{exit !found}' "$log" >&2; then
            echo "with_cluster: valgrind reported errors in competency.so ($log)" >&2
            status=1
        fi
    done
    [ $logs -gt 0 ] && echo "with_cluster: valgrind watched $logs processes and reported $errors errors in all"
    [ $status -eq 0 ] && echo "with_cluster: no sanitizer or valgrind reports in competency.so"
fi
exit $status
