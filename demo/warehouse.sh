#!/usr/bin/env bash
# make demo, second part: the Grand Bend sample in a real Ed-Fi ODS 5.2
# (database grandbend_ods), with the competency layer installed on it and a
# first look at its facts.  Run inside the cluster of test/with_cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGDATABASE=grandbend_ods
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS grandbend_ods" -c "CREATE DATABASE grandbend_ods"
echo "=== The Ed-Fi ODS 5.2 with change tracking, from its DDL (demo/data/edfi-ods)"
./demo/create_ods.sh
echo "=== The Grand Bend XML loaded into it (warehouse/edfi_xml_load.sh)"
./warehouse/edfi_xml_load.sh demo/data/edfi-grandbend/*.xml
psql -X -q -v ON_ERROR_STOP=1 -f demo/ods_rosters.sql
echo "=== The competency layer installed (warehouse/competency_layer.sql)"
psql -X -q -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
psql -X -q -v ON_ERROR_STOP=1 -f demo/warehouse_report.sql
