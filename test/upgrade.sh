#!/usr/bin/env bash
# Upgrade path: the catalog of every released version updated to the current
# one equals a fresh install of the current one (objects, function markings,
# aggregate and operator properties, operator classes, comments), and data
# stored by the old version still reads.  Runs inside
# COMPETENCY_RELEASED_VERSIONS=1 test/with_cluster.sh, whose installation also
# holds the full scripts of the released versions (test/released).
set -euo pipefail
cd "$(dirname "$0")/.."

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" competency.control)
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Everything the extension owns, described so that any difference shows
describe() {
    psql_q -At -d "$1" <<'SQL'
WITH members AS (
    SELECT classid, objid, objsubid FROM pg_depend
    WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
      AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'competency'))
SELECT pg_describe_object(classid, objid, objsubid) || ' | ' ||
       coalesce(obj_description(objid, classid::regclass::name), '(no comment)')
FROM members
UNION ALL
SELECT 'function ' || p.oid::regprocedure || ' returns ' || pg_get_function_result(p.oid) ||
       ' volatile=' || p.provolatile::text || ' strict=' || p.proisstrict || ' parallel=' || p.proparallel::text ||
       ' security_definer=' || p.prosecdef || ' src=' || p.prosrc || ' kind=' || p.prokind::text ||
       ' rows=' || p.prorows || ' cost=' || p.procost
FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
UNION ALL
SELECT 'aggregate ' || a.aggfnoid::regprocedure || ' sfunc=' || a.aggtransfn || ' stype=' || a.aggtranstype::regtype ||
       ' sspace=' || a.aggtransspace || ' final=' || a.aggfinalfn || ' combine=' || a.aggcombinefn ||
       ' serial=' || a.aggserialfn || ' deserial=' || a.aggdeserialfn || ' finalmodify=' || a.aggfinalmodify::text
FROM members m JOIN pg_aggregate a ON m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid
UNION ALL
SELECT 'operator ' || o.oid::regoperator || ' proc=' || o.oprcode || ' commutator=' || o.oprcom::regoperator ||
       ' negator=' || o.oprnegate::regoperator || ' restrict=' || o.oprrest || ' join=' || o.oprjoin ||
       ' hashes=' || o.oprcanhash || ' merges=' || o.oprcanmerge
FROM members m JOIN pg_operator o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
UNION ALL
SELECT 'opfamily member ' || pg_describe_object('pg_amop'::regclass, ao.oid, 0)
FROM pg_amop ao JOIN members m ON m.classid = 'pg_opfamily'::regclass AND ao.amopfamily = m.objid
UNION ALL
SELECT 'opfamily support ' || pg_describe_object('pg_amproc'::regclass, ap.oid, 0)
FROM pg_amproc ap JOIN members m ON m.classid = 'pg_opfamily'::regclass AND ap.amprocfamily = m.objid
UNION ALL
SELECT 'type ' || t.oid::regtype || ' len=' || t.typlen || ' align=' || t.typalign::text || ' storage=' || t.typstorage::text ||
       ' in=' || t.typinput || ' out=' || t.typoutput || ' recv=' || t.typreceive || ' send=' || t.typsend
FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
ORDER BY 1;
SQL
}

psql_q -d postgres -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS competency_fresh' -c 'CREATE DATABASE competency_fresh' \
    -c 'DROP DATABASE IF EXISTS competency_upgraded' -c 'CREATE DATABASE competency_upgraded'
psql_q -d competency_fresh -c 'CREATE EXTENSION competency'
describe competency_fresh > "${TMPDIR:-/tmp}/competency_fresh.catalog"

status=0
for old in $(ls test/released/ | sed -n 's/^competency--\([0-9.]*\)\.sql$/\1/p' | sort -V); do
    psql_q -d postgres -c 'SET client_min_messages = warning' \
        -c 'DROP DATABASE IF EXISTS competency_upgraded' -c 'CREATE DATABASE competency_upgraded'
    # a stored state and method written by the old version
    psql_q -d competency_upgraded \
        -c "CREATE EXTENSION competency VERSION '$old'" \
        -c "CREATE TABLE kept AS SELECT '[3/4 @ 2024-09-05 10:00+00; 4/4 @ 2024-09-12 10:00+00, kind=override]'::mastery_state AS s, 'decaying_average(weight=0.4)'::mastery_method AS m, '3/4 @ 2024-09-05'::mastery_evidence AS e" \
        -c "CREATE INDEX kept_evidence ON kept (e)"
    warnings=$(psql_q -d competency_upgraded -c "ALTER EXTENSION competency UPDATE" 2>&1)
    if [ "$old" = 0.1.0 ] && ! grep -q 'REINDEX INDEX kept_evidence' <<<"$warnings"; then
        echo "upgrade: updating $old did not name the index to rebuild: $warnings" >&2
        status=1
    fi
    describe competency_upgraded > "${TMPDIR:-/tmp}/competency_upgraded.catalog"
    if ! diff -u "${TMPDIR:-/tmp}/competency_fresh.catalog" "${TMPDIR:-/tmp}/competency_upgraded.catalog"; then
        echo "upgrade: $old updated to $current differs from a fresh install of $current" >&2
        status=1
    fi
    got=$(psql_q -At -d competency_upgraded -c "SELECT mastery(s, m) || ' ' || (s = s) FROM kept")
    if [ "$got" != "4 true" ]; then
        echo "upgrade: data stored by $old reads as '$got' after the update" >&2
        status=1
    fi
    echo "upgrade: $old -> $current: $(wc -l < "${TMPDIR:-/tmp}/competency_upgraded.catalog") catalog lines compared"
done
rm -f "${TMPDIR:-/tmp}/competency_fresh.catalog" "${TMPDIR:-/tmp}/competency_upgraded.catalog"
exit $status
