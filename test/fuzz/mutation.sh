#!/usr/bin/env bash
# The SQL-level mutation run (test/fuzz/mutation.sql) in a database of its
# own, inside test/with_cluster.sh.  MUTATION_ROUNDS mutations per type and
# input path (default 1000), MUTATION_SEED in -1..1 (default 0.42).  Prints the
# counts; fails on an internal error, a crash or an accepted value that breaks.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${MUTATION_ROUNDS:-1000}
seed=${MUTATION_SEED:-0.42}
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS competency_mutation' -c 'CREATE DATABASE competency_mutation'
psql -X -q -v ON_ERROR_STOP=1 -d competency_mutation -c 'CREATE EXTENSION competency'
start=$(date +%s)
if ! out=$(psql -X -q -v ON_ERROR_STOP=1 -v seed="$seed" -v rounds="$rounds" -d competency_mutation \
        -f test/fuzz/mutation.sql 2>&1); then
    echo "$out" >&2
    echo "mutation: the run stopped (a crash or an error outside the attempts)" >&2
    exit 1
fi
echo "$out"
echo "mutation: seed $seed, $rounds rounds per type and path, $(( $(date +%s) - start )) s"
psql -X -q -d postgres -c 'DROP DATABASE competency_mutation'
! grep -q '^ *mutation: FAILED' <<<"$out"
