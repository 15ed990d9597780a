#!/usr/bin/env bash
# The Grand Bend report: loads the Ed-Fi XML (psql reads the files on the
# client side; the server never reads files of this checkout), writes the
# text of demo/report.sql to demo/output/report.txt, draws one student's
# learning path with Graphviz, and writes the static HTML page
# demo/output/report.html (demo/report_html.sql).  Run inside the cluster of
# test/with_cluster.sh (make demo; make test runs it too, then renders the
# page in headless Chromium: test/report_render.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

export PGDATABASE=${PGDATABASE_DEMO:-competency_demo}
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"
mkdir -p demo/output
rm -f demo/output/path_*.dot demo/output/path_*.svg
psql -X -q -v ON_ERROR_STOP=1 -f demo/load.sql
psql -X -q -v ON_ERROR_STOP=1 -f demo/report.sql > demo/output/report.txt
for dot_file in demo/output/*.dot; do
    dot -Tsvg "$dot_file" -o "${dot_file%.dot}.svg"
done
psql -X -q -v ON_ERROR_STOP=1 -f demo/report_html.sql
