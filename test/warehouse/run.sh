#!/usr/bin/env bash
# The competency layer on a real Ed-Fi ODS: builds the ODS 5.2 from its DDL
# (demo/data/edfi-ods), loads the Grand Bend XML (warehouse/edfi_xml_load.sh),
# derives the rosters (demo/ods_rosters.sql), installs the layer
# (warehouse/competency_layer.sql), then with pgTAP:
#   sample.sql     known figures of the sample, masteries recomputed in plain
#                  SQL, plain column types and security_invoker on every view
#   histories.sql  random inserts, corrections and deletes through the ODS
#                  tables, a refresh after each: states equal a full recompute
# then places the assessed students in two teachers' sections (classes.sql,
# a test fixture: the sample enrols none of them) and checks
#   security.sql   what a teacher, an administrator and a BI reader see and
#                  may write, through every view and table of the layer
#   views.sql      rollups, profile summary, ready standards, paths, groups
#                  and their audit, early warning and pace, against figures
#                  computed in plain SQL
#   thresholds.sql a standard with its own mastery threshold: every view
#                  decides mastered as the fact does
#   over_time.sql  administrations in the fall: pace as of dates before
#                  and after them (weekdays, then a full calendar), the
#                  groups of every week and how often each student changed
# then the district generator at 200 students, twice with one seed
# (generator.sql: the same rows, a consistent ODS, the model's shape)
# then a pg_dump of the ODS with the layer restored into a fresh database
# (restored.sql: the layer still refreshes exactly there), and last a
# refresh killed by kill -9 of its backend, rerun after the server's
# recovery (crash.sh, crashed.sql: equal to a full recompute).
# Runs inside the cluster of test/with_cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=competency_ods
psql -X -q -d postgres -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS ${db}_restored" -c "CREATE DATABASE $db"
export PGDATABASE=$db
./demo/create_ods.sh
./warehouse/edfi_xml_load.sh demo/data/edfi-grandbend/*.xml >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f demo/ods_rosters.sql
psql -X -q -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql
psql -X -q -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS pgtap'
status=0
pg_prove -d $db test/warehouse/sample.sql test/warehouse/histories.sql || status=1
psql -X -q -v ON_ERROR_STOP=1 -f test/warehouse/classes.sql -c ANALYZE
pg_prove -d $db test/warehouse/security.sql test/warehouse/views.sql test/warehouse/thresholds.sql test/warehouse/over_time.sql || status=1

# pg_dump and restore: the layer's objects are ordinary objects, restored
# after the extension and the ODS they depend on
dump=$(mktemp)
trap 'rm -f "$dump"' EXIT
pg_dump -Fc -d $db -f "$dump"
psql -X -q -d postgres -c "CREATE DATABASE ${db}_restored"
if ! pg_restore -d ${db}_restored --exit-on-error "$dump"; then
    echo "warehouse: pg_restore failed" >&2
    status=1
elif ! pg_prove -d ${db}_restored test/warehouse/restored.sql; then
    status=1
fi

# The district generator (warehouse/generate_district.sql) at 200 students,
# twice with the same seed: the same rows, a consistent ODS (generator.sql)
gen_ddl=demo/data/edfi-ods
for g in a b; do
    psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS ${db}_gen_$g" -c "CREATE DATABASE ${db}_gen_$g"
    PGDATABASE=${db}_gen_$g ./demo/create_ods.sh
    PGDATABASE=${db}_gen_$g psql -X -q -v ON_ERROR_STOP=1 -v students=200 -v seed=7 -f warehouse/generate_district.sql >/dev/null 2>&1 ||
        { echo "warehouse: generate_district.sql failed in ${db}_gen_$g" >&2; status=1; }
done
digests=$(mktemp)
trap 'rm -f "$dump" "$digests"' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d ${db}_gen_b -f test/warehouse/generator_digest.sql \
    -c "\\copy (SELECT 'b', * FROM pg_temp.table_digests()) TO '$digests'"
psql -X -q -v ON_ERROR_STOP=1 -d ${db}_gen_a -f test/warehouse/generator_digest.sql \
    -c "\\copy generator_digest FROM '$digests'" \
    -c "INSERT INTO generator_digest SELECT 'a', * FROM pg_temp.table_digests()" \
    -c "CREATE TABLE generator_expected AS SELECT $(grep -c '^ALTER TABLE edfi.StudentAssessmentItem ADD CONSTRAINT' $gen_ddl/0030-ForeignKeys.sql) AS sai_foreign_keys,
               1 + $(grep -c 'ON edfi.StudentAssessmentItem (' $gen_ddl/0030-ForeignKeys.sql) AS sai_indexes" \
    -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS pgtap'
pg_prove -d ${db}_gen_a test/warehouse/generator.sql || status=1

# Last, since it restarts the server: kill -9 of a backend mid-refresh
./test/warehouse/crash.sh $db || status=1
exit $status
