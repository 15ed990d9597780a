#!/usr/bin/env bash
# make test-soak (and 30 seconds of it in make test): pgbench clients mix
# mastery, stored-state, profile, path, group, BKT and forced-parallel queries
# on shared tables while an ETL, a second pgbench, corrects evidence and
# merges the changes into the stored states.  Passes when no transaction
# failed, the server never crashed or restarted, and afterwards every stored
# state equals a serial recompute from the evidence.
#
# SOAK_SECONDS (300), SOAK_CLIENTS (8) and SOAK_ETL_CLIENTS (2) size the run.
# Runs inside test/with_cluster.sh, in a database of its own.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${COMPETENCY_CLUSTER_DIR:?run me inside test/with_cluster.sh}"
. test/cluster_lib.sh

seconds=${SOAK_SECONDS:-300}
clients=${SOAK_CLIENTS:-8}
etl_clients=${SOAK_ETL_CLIENTS:-2}
learners=3000
sections=100
db=competency_soak
server_log=$COMPETENCY_CLUSTER_DIR/server.log
work=$COMPETENCY_CLUSTER_DIR/soak
pgbench=$bindir/pgbench
mkdir -p "$work"

if [ ! -x "$pgbench" ]; then
    echo "soak: no pgbench at $pgbench (it comes with the postgresql-15 package: run test/deps.sh)" >&2
    exit 1
fi

# Both pgbench runs, the ETL and the readers, go to the background (so that
# a signal stops this script at once, not when a foreground pgbench ends):
# stop them whatever happens
pids=()
stop_pgbench() {
    status=$?
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    exit $status
}
trap stop_pgbench EXIT
trap 'exit 130' INT TERM

sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
value() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'SET client_min_messages = warning' \
    -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
start=$(date +%s%N)
sql -f test/soak/setup.sql >/dev/null
made_ms=$((($(date +%s%N) - start) / 1000000))
# The raw evidence as the soak starts, to count what the ETL changed
sql -c 'CREATE TABLE evidence_before AS SELECT id, e FROM evidence'
evidence_rows=$(value 'SELECT max(id) FROM evidence')
states_before=$(value 'SELECT count(*) FROM states')
echo "soak: data: $learners learners in $sections sections, $evidence_rows pieces of evidence, $states_before states," \
     "$(value 'SELECT count(*) FROM responses') BKT responses, made in $((made_ms / 1000)).$((made_ms % 1000 / 100)) s"

started=$(value 'SELECT pg_postmaster_start_time()')
log_offset=$(stat -c %s "$server_log")

# Prepared statements, as BI tools and ETL frameworks send them: generic
# plans with the method, learner and section as parameters.  A statement
# that hangs under load becomes an error instead of a stuck run.
options="${PGOPTIONS:-} -c statement_timeout=120s"
common=(-n -M prepared --failures-detailed -T "$seconds" -d "$db"
        -D learners=$learners -D sections=$sections -D evidence_rows="$evidence_rows")
threads() { if [ "$1" -lt 2 ]; then echo "$1"; else echo 2; fi; }

PGOPTIONS=$options "$pgbench" "${common[@]}" -c "$etl_clients" -j 1 --random-seed=2 -f test/soak/etl.sql \
    >"$work/etl.out" 2>&1 &
etl_pid=$!
pids+=("$etl_pid")

echo "soak: $seconds s, $clients clients and $etl_clients ETL clients"
# Weights: mostly short transactions of every kind; the rare parallel
# script (whole skills, three processes) still takes about half the time
PGOPTIONS=$options "$pgbench" "${common[@]}" -c "$clients" -j "$(threads "$clients")" --random-seed=1 \
    -f test/soak/mastery.sql@40 -f test/soak/states.sql@40 -f test/soak/profile_path.sql@30 \
    -f test/soak/groups.sql@15 -f test/soak/bkt.sql@3 -f test/soak/parallel.sql@1 \
    >"$work/readers.out" 2>&1 &
readers_pid=$!
pids+=("$readers_pid")
set +e
wait "$readers_pid"
readers_status=$?
wait "$etl_pid"
etl_status=$?
set -e
pids=()

failed=0

# One line per pgbench run: transactions per script and failures.  A client
# that meets an error other than a serialization failure or a deadlock is
# aborted (exit status 2) rather than counted, so both are checked.
report() {
    local name=$1 out=$2 status=$3 total failures serialization deadlocks aborted scripts
    total=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
    failures=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
    serialization=$(sed -n 's/^number of serialization failures: \([0-9]*\).*/\1/p' "$out")
    deadlocks=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$out")
    aborted=$(grep -c 'aborted in command' "$out" || true)
    scripts=$(awk '/^SQL script [0-9]+:/ { n = split($4, p, "/"); name = p[n]; sub(/\.sql$/, "", name) }
                   /^ - [0-9]+ transactions/ { printf "%s%s %s", sep, name, $2; sep = ", " }' "$out")
    echo "soak: $name: ${total:-?} transactions, ${failures:-?} failed (serialization ${serialization:-?}," \
         "deadlock ${deadlocks:-?}), $aborted clients aborted${scripts:+: $scripts}"
    if [ "$status" -ne 0 ] || [ "${failures:-1}" != 0 ] || [ "$aborted" != 0 ] || [ "${total:-0}" = 0 ] ||
       grep -q -E '^ - 0 transactions|aborted' "$out"; then
        echo "soak: $name: FAILED (pgbench exit status $status)" >&2
        grep -E 'aborted|ERROR|FATAL|error' "$out" | sort | uniq -c | sort -rn | head -n 20 >&2 || true
        failed=1
    fi
}
report readers "$work/readers.out" "$readers_status"
report etl "$work/etl.out" "$etl_status"
changes=$(value "SELECT (SELECT count(*) FROM evidence v JOIN evidence_before b USING (id) WHERE v.e <> b.e) || ' pieces of evidence corrected, '
                     || (SELECT count(*) FROM evidence) - (SELECT count(*) FROM evidence_before) || ' appended, '
                     || (SELECT count(*) FROM states) - $states_before || ' new states'")
echo "soak: etl: $changes"

# The server: same postmaster, and nothing in its log since the soak began
# that tells of a crash (a backend killed by a signal makes the postmaster
# restart every process, which pg_postmaster_start_time does not show) or of
# an error (autovacuum cancelled by a lock is no error of ours)
now_started=$(value 'SELECT pg_postmaster_start_time()')
crashes=$(tail -c +"$((log_offset + 1))" "$server_log" |
          grep -c -E 'terminated by signal|server process|PANIC|all server processes terminated|database system was interrupted' || true)
errors=$(tail -c +"$((log_offset + 1))" "$server_log" | grep -E '(ERROR|FATAL):' |
         grep -c -v 'canceling autovacuum task' || true)
if [ "$now_started" = "$started" ] && [ "$crashes" -eq 0 ] && [ "$errors" -eq 0 ]; then
    echo "soak: server: started at $started before and after, no crash or error in its log"
else
    echo "soak: server: FAILED: started at $started, now $now_started; $crashes crash lines, $errors errors in its log" >&2
    tail -c +"$((log_offset + 1))" "$server_log" |
        grep -E 'terminated by signal|server process|PANIC|ERROR|FATAL' | head -n 20 >&2 || true
    failed=1
fi

# Afterwards, on one process: every stored state equals mastery_agg over
# its evidence (=, as multisets), no state is missing or left over, and the
# stored states roll up to what mastery() gives over the raw evidence
methods=(decaying_average power_law true_score 'bkt(p_init=0.3, p_learn=0.2, p_guess=0.2, p_slip=0.1)')
over_evidence=
over_states=
for m in "${methods[@]}"; do
    over_evidence+="${over_evidence:+, }mastery(e, '$m')"
    over_states+="${over_states:+, }mastery(s.state, '$m')"
done
result=$(psql -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -d "$db" <<SQL
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE recomputed AS
SELECT learner, skill, mastery_agg(e) AS state, array[$over_evidence] AS mastery
FROM evidence GROUP BY learner, skill;
SELECT count(*),
       count(*) FILTER (WHERE s.state = r.state),
       count(*) FILTER (WHERE s.state IS NULL),
       count(*) FILTER (WHERE r.state IS NULL),
       count(*) FILTER (WHERE r.mastery IS DISTINCT FROM array[$over_states])
FROM states s FULL JOIN recomputed r USING (learner, skill);
SQL
)
read -r compared equal missing extra values <<<"$result"
mismatches=$((compared - equal))
if [ "$mismatches" -eq 0 ]; then
    echo "soak: states: $compared compared with a serial recompute from the evidence (mastery_agg, =): 0 mismatches"
else
    echo "soak: states: FAILED: $compared compared with a serial recompute: $mismatches mismatches ($missing missing, $extra left over)" >&2
    failed=1
fi
if [ "$values" -eq 0 ]; then
    echo "soak: values: mastery(state, method) equals mastery(evidence, method) on all $compared states for ${methods[*]}: 0 mismatches"
else
    echo "soak: values: FAILED: $values of $compared states roll up differently from their evidence" >&2
    failed=1
fi

if [ $failed -eq 0 ]; then
    echo "soak: passed"
else
    echo "soak: FAILED" >&2
fi
exit $failed
