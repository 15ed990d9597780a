#!/usr/bin/env bash
# make demo: the Grand Bend sample district rolled up with competency, inside
# the cluster started by test/with_cluster.sh.  Loads the Ed-Fi XML (with
# psql on the client side: the server never reads files of this checkout),
# then prints the report of demo/report.sql and draws one student's
# learning path (demo/output/*.svg) with Graphviz; then builds an Ed-Fi ODS
# from the same XML and installs the competency layer on it (demo/warehouse.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

export PGDATABASE=competency_demo
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS competency_demo" -c "CREATE DATABASE competency_demo"
mkdir -p demo/output
psql -X -q -v ON_ERROR_STOP=1 -f demo/load.sql
psql -X -q -v ON_ERROR_STOP=1 -f demo/report.sql
# the picture of one student's path, drawn by Graphviz
for dot_file in demo/output/*.dot; do
    [ -f "$dot_file" ] || continue
    dot -Tsvg "$dot_file" -o "${dot_file%.dot}.svg"
    echo "demo: drew ${dot_file%.dot}.svg"
done
# The same district in a real Ed-Fi ODS, with the competency layer on it
./demo/warehouse.sh
