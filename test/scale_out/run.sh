#!/usr/bin/env bash
# Scale-out on an existing engine: two extra clusters on loopback act as
# shards; the main cluster (test/with_cluster.sh) is the coordinator and
# sees them as postgres_fdw foreign partitions of a table hash-partitioned
# on learner.  Runs the pgTAP suite test/scale_out/scale_out.sql against
# that setup and always stops the shards.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${COMPETENCY_CLUSTER_DIR:?run me inside test/with_cluster.sh}"
. test/cluster_lib.sh

shards=()
stop_shards() {
    for dir in "${shards[@]}"; do
        as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    done
}
trap stop_shards EXIT

ports=()
for i in 1 2; do
    dir=$COMPETENCY_CLUSTER_DIR/shard$i
    port=$(free_port)
    init_cluster "$dir"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
timezone = 'UTC'
CONF
    as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    shards+=("$dir")
    ports+=("$port")
    psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c 'CREATE EXTENSION competency' \
        -c 'CREATE TABLE evidence_shard (learner int NOT NULL, skill int NOT NULL, e mastery_evidence NOT NULL)'
done
echo "scale_out: shards on 127.0.0.1 ports ${ports[*]}"

psql -q -X -d postgres -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS competency_scale_out' -c 'CREATE DATABASE competency_scale_out'
psql -q -X -v ON_ERROR_STOP=1 -d competency_scale_out -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION competency'
pg_prove -d competency_scale_out --set shard1_port="${ports[0]}" --set shard2_port="${ports[1]}" \
    test/scale_out/scale_out.sql
