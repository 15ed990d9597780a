#!/usr/bin/env bash
# The competency layer on an Ed-Fi ODS distributed with Citus, against the
# same ODS on one node.  Called by test/citus/run.sh with the coordinator's
# and the workers' ports (PGHOST, PGUSER set).  Both ODS are built the same
# way (demo/create_ods.sh, the Grand Bend XML, demo/ods_rosters.sql); the
# Citus one is then distributed (warehouse/distribute_ods.sql, 8 shards);
# both get the layer (on Citus, its tables distributed by
# warehouse/distribute_layer.sql), the fixture of test/warehouse/classes.sql and the same
# policy.  layer.sql then compares the layer's states and every view with
# the one-node ones (copied into schema single_node of the Citus database) and
# checks the plans; after the same changes and a refresh in both
# (layer_changes.sql), it compares again.
set -euo pipefail
cd "$(dirname "$0")/../.."
coordinator=$1; shift
db=competency_ods_citus single=competency_ods_single
for port in "$coordinator" "$@"; do
    psql -X -q -p "$port" -d postgres -c "SET client_min_messages = warning" -c "CREATE DATABASE $db"
    psql -X -q -p "$port" -d $db -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION citus' -c 'CREATE EXTENSION competency'
done
psql -X -q -p "$coordinator" -d $db -v ON_ERROR_STOP=1 -c "SELECT citus_set_coordinator_host('127.0.0.1', $coordinator)" >/dev/null
for port in "$@"; do
    psql -X -q -p "$coordinator" -d $db -v ON_ERROR_STOP=1 -c "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
done
psql -X -q -p "$coordinator" -d postgres -c "SET client_min_messages = warning" -c "CREATE DATABASE $single"

export PGPORT=$coordinator
for d in $db $single; do   # Citus first: it propagates the layer's roles to the workers
    export PGDATABASE=$d
    ./demo/create_ods.sh
    ./warehouse/edfi_xml_load.sh demo/data/edfi-grandbend/*.xml >/dev/null 2>&1
    psql -X -q -v ON_ERROR_STOP=1 -f demo/ods_rosters.sql
    if [ $d = $db ]; then
        PGOPTIONS='-c citus.shard_count=8' psql -X -q -v ON_ERROR_STOP=1 -f warehouse/distribute_ods.sql
    fi
    psql -X -q -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql 2>&1 | { grep -v '^\(WARNING\|DETAIL\|HINT\|psql:.*WARNING\)' || true; }
    if [ $d = $db ]; then
        psql -X -q -v ON_ERROR_STOP=1 -f warehouse/distribute_layer.sql
    fi
    psql -X -q -v ON_ERROR_STOP=1 -f test/warehouse/classes.sql \
        -c "INSERT INTO competency_layer.course_standard SELECT DISTINCT 'MATH-07', LearningStandardId FROM edfi.AssessmentItemLearningStandard" \
        -c "UPDATE competency_layer.policy SET pace_as_of = '2021-10-15' WHERE learning_standard_id IS NULL" \
        -c "INSERT INTO competency_layer.staff_login VALUES ('test_giles', '207252'), ('test_hartman', '207253')"
done
psql -X -q -d $db -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pgtap'

# the one-node states and views into schema single_node of the Citus database
copy_single() {
    psql -X -q -d $db -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -c 'DROP SCHEMA IF EXISTS single_node CASCADE' -c 'CREATE SCHEMA single_node' \
        -c 'CREATE TABLE single_node.refresh_log AS SELECT * FROM competency_layer.refresh_log WITH NO DATA' \
        -c 'CREATE TABLE single_node.student_standard_state AS SELECT * FROM competency_layer.student_standard_state WITH NO DATA'
    psql -X -q -d $single -c '\copy (SELECT * FROM competency_layer.refresh_log) TO STDOUT' |
        psql -X -q -d $db -v ON_ERROR_STOP=1 -c '\copy single_node.refresh_log FROM STDIN'
    psql -X -q -d $single -c '\copy (SELECT * FROM competency_layer.student_standard_state) TO STDOUT' |
        psql -X -q -d $db -v ON_ERROR_STOP=1 -c '\copy single_node.student_standard_state FROM STDIN'
    # every view of the layer (layer.sql checks none is left out)
    for v in $(psql -X -At -d $single -c "SELECT table_name FROM information_schema.views WHERE table_schema = 'competency_layer' ORDER BY 1"); do
        psql -X -q -d $db -v ON_ERROR_STOP=1 -c "CREATE TABLE single_node.$v AS SELECT * FROM competency_layer.$v WITH NO DATA"
        psql -X -q -d $single -c "\\copy (SELECT * FROM competency_layer.$v) TO STDOUT" |
            psql -X -q -d $db -v ON_ERROR_STOP=1 -c "\\copy single_node.$v FROM STDIN"
    done
}
status=0
copy_single
PGDATABASE=$db pg_prove test/citus/layer.sql || status=1
# the installer again on Citus (as for an upgrade of the layer): the layer's
# tables stay distributed and teachers without access (layer.sql checks)
psql -X -q -d $db -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql 2>&1 | { grep -v '^\(WARNING\|DETAIL\|HINT\|psql:.*WARNING\)' || true; }
psql -X -q -d $db -v ON_ERROR_STOP=1 -f warehouse/distribute_layer.sql
for d in $db $single; do   # Citus first: it propagates the layer's roles to the workers
    psql -X -q -d $d -v ON_ERROR_STOP=1 -f test/citus/layer_changes.sql >/dev/null
done
copy_single
PGDATABASE=$db pg_prove test/citus/layer.sql || status=1
exit $status
