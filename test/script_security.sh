#!/usr/bin/env bash
# The extension is trusted: a database owner who is not a superuser runs its
# install and upgrade scripts, and they run as superuser in a schema that
# owner controls.  Two checks that nothing there can be turned against the
# server:
#
#  1. test/lint_scripts.pl reads every shipped script: only the statement
#     kinds the extension needs, every function and operator call in code
#     schema-qualified, nothing that looks an operator up by name, no CREATE
#     OR REPLACE, no dynamic SQL, constant DEFAULTs.  It must also catch each
#     of those in test/security/unsafe.sql (so a lint that sees nothing fails
#     here).
#  2. For a fresh install and for every update path from every released
#     version, as such an owner: stored values of every type and an index on
#     evidence in place, the look-alikes of test/security/plant.sql planted,
#     then CREATE EXTENSION or ALTER EXTENSION UPDATE.  No look-alike may be
#     called, the owner must stay NOSUPERUSER and own no extension member,
#     and the stored values must read as before.  And no look-alike may have
#     been bound without being called: every function and operator that the
#     extension's objects refer to in pg_depend (test/security/references.sql)
#     must be pg_catalog's or the extension's own.
#
# Runs inside COMPETENCY_RELEASED_VERSIONS=1 test/with_cluster.sh (the old
# versions' full scripts are installed only there).
set -euo pipefail
cd "$(dirname "$0")/.."

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" competency.control)
shipped=(src/competency.sql src/competency--*--*.sql)
status=0

# 1. the lint, on what ships and on a script that breaks every rule
if ! perl test/lint_scripts.pl "${shipped[@]}" --own test/released/*.sql; then
    status=1
fi
got=$(perl test/lint_scripts.pl test/security/unsafe.sql || true)
if ! diff -u test/security/unsafe.expected <(printf '%s\n' "$got"); then
    echo "script_security: the lint no longer finds what test/security/unsafe.expected lists" >&2
    status=1
fi

# 2. the planted look-alikes, on every path
owner=competency_mallory
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
as_owner() { psql_q -At -U "$owner" -d competency_planted "$@"; }
# the checks read as superuser with the planted schema off the path: the
# look-alikes would out-match pg_catalog in them too
check() { psql_q -At -d competency_planted -c 'SET search_path = pg_catalog, pg_temp' -c "$1"; }

# name|a value in its text form; a table of each type the version has
values=(
    "mastery_evidence|3/4 @ 2024-09-05 10:00:00+00, weight=2, kind=practice"
    "mastery_method|decaying_average(weight=0.4, min_evidence=2)"
    "mastery_state|[3/4 @ 2024-09-05 10:00:00+00; 4/4 @ 2024-09-12 10:00:00+00, kind=override]"
    'skill_graph|{"skills": [{"code": "add"}, {"code": "div"}, {"code": "mul"}], "edges": [{"source": "add", "target": "mul", "relation": "prerequisite"}, {"source": "mul", "target": "div", "relation": "prerequisite"}]}'
    'learner_profile|{"Größe": {"mastery": 4, "out_of": 4, "evidence_count": 1, "last_observed": "2024-09-02T00:00:00+00:00", "trend": null, "kinds": ["assessment"]}, "add": {"mastery": 3, "out_of": 4, "evidence_count": 1, "last_observed": "2024-09-01T00:00:00+00:00", "trend": null, "kinds": ["assessment"]}}'
    'learner_profile_state|{"method": "latest", "skills": {"add": "[3/4 @ 2024-09-01 00:00:00+00]", "Größe": "[1/2 @ 2024-09-03 00:00:00+00]"}}'
    "learner_group|(Ana,1,add)"
    "group_disproportion|(1,ell,3,0.5,1.2,f)"
    "bkt_params|(0.2,0.1,0.2,0.1,0,-10.5,12,f,t)"
)

# store a value of every type the installed version has; print them
store_values() {
    local v type literal columns c
    for v in "${values[@]}"; do
        type=${v%%|*}; literal=${v#*|}
        [ "$(check "SELECT to_regtype('public.$type') IS NOT NULL")" = t ] || continue
        # a record's text names every column: empty (NULL) for the ones
        # group_disproportion gained in 0.5.0
        if [ "$type" = group_disproportion ]; then
            columns=$(check "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.$type'::regclass AND attnum > 0 AND NOT attisdropped")
            for ((c = 7; c <= columns; c++)); do literal="${literal%)},)"; done
        fi
        as_owner -v lit="$literal" <<<"CREATE TABLE kept_$type AS SELECT :'lit'::public.$type AS v"
    done
    if [ "$(check "SELECT to_regclass('public.kept_mastery_evidence') IS NOT NULL")" = t ]; then
        as_owner -c "CREATE INDEX kept_evidence ON kept_mastery_evidence (v)"
    fi
}
# 0.5.0 added columns at the end of group_disproportion (ALTER TYPE ... ADD
# ATTRIBUTE): a value stored before reads with the columns it had, the new
# ones NULL (its columns that are not NULL, as jsonb)
read_values() {
    local v type
    for v in "${values[@]}"; do
        type=${v%%|*}
        [ "$(check "SELECT to_regclass('public.kept_$type') IS NOT NULL")" = t ] || continue
        if [ "$type" = group_disproportion ]; then
            echo "$type: $(check "SELECT (SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(v)) WHERE value <> 'null')
                                  FROM public.kept_$type")"
        else
            echo "$type: $(check "SELECT v::text FROM public.kept_$type")"
        fi
    done
}

versions=($(ls test/released/ | sed -n 's/^competency--\([0-9.]*\)\.sql$/\1/p' | sort -V) "$current")
paths=("fresh $current")
for ((i = 0; i < ${#versions[@]}; i++)); do
    for ((j = i + 1; j < ${#versions[@]}; j++)); do
        paths+=("${versions[i]} ${versions[j]}")
    done
done

for path in "${paths[@]}"; do
    read -r from to <<<"$path"
    psql_q -d postgres -c 'SET client_min_messages = warning' \
        -c 'DROP DATABASE IF EXISTS competency_planted' -c "DROP ROLE IF EXISTS $owner" \
        -c "CREATE ROLE $owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
        -c "CREATE DATABASE competency_planted OWNER $owner"
    before=""
    if [ "$from" != fresh ]; then
        as_owner -c "CREATE EXTENSION competency VERSION '$from'"
        store_values
        before=$(read_values)
    fi
    as_owner -f test/security/plant.sql >/dev/null
    planted=$(check "SELECT (SELECT count(*) FROM pg_proc WHERE proowner = '$owner'::regrole AND proname NOT LIKE 'lookalike%')
                                + (SELECT count(*) FROM pg_operator WHERE oprowner = '$owner'::regrole)")
    if [ "$from" = fresh ]; then
        run=$(as_owner -c "CREATE EXTENSION competency" 2>&1) || { echo "$run" >&2; status=1; }
        store_values
        before=$(read_values)
    else
        run=$(as_owner -c "ALTER EXTENSION competency UPDATE TO '$to'" 2>&1) || { echo "$run" >&2; status=1; }
    fi
    calls=$(check "SELECT lookalike || ' as ' || called_by FROM public.lookalike_calls" | paste -sd, -)
    super=$(psql_q -At -d postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$owner'")
    owned=$(check "SELECT count(*) FROM pg_depend d JOIN pg_extension x ON d.refobjid = x.oid AND d.refclassid = 'pg_extension'::regclass
                         WHERE x.extname = 'competency' AND d.deptype = 'e'
                           AND coalesce((SELECT p.proowner FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid),
                                        (SELECT o.oprowner FROM pg_operator o WHERE d.classid = 'pg_operator'::regclass AND o.oid = d.objid),
                                        (SELECT t.typowner FROM pg_type t WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid)) = '$owner'::regrole")
    refs=$(psql_q -At -d competency_planted -v ext=competency -f test/security/references.sql)
    foreign=$(grep '^other|' <<<"$refs" | cut -d'|' -f2- | sed 's/|/ refers to /' || true)
    version=$(check "SELECT extversion FROM pg_extension WHERE extname = 'competency'")
    after=$(read_values)
    if [ "$from" = fresh ]; then label="fresh install of $to"; else label="update $from -> $to"; fi
    if [ -n "$calls" ] || [ "$super" != f ] || [ "$owned" != 0 ] || [ "$version" != "$to" ] || [ "$before" != "$after" ] || [ -n "$foreign" ]; then
        echo "script_security: $label: look-alikes called: ${calls:-none}; owner superuser: $super; extension members the owner owns: $owned; version: $version" >&2
        [ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") >&2 || true
        [ -z "$foreign" ] || echo "script_security: $label: functions and operators outside pg_catalog and the extension, bound by its objects:"$'\n'"$foreign" >&2
        status=1
    else
        echo "script_security: $label as a non-superuser owner with $planted look-alikes planted: none called, none bound ($(grep -c . <<<"$refs") references to functions and operators, all pg_catalog's or its own), owner not superuser, values of $(wc -l <<<"$after") types read as before"
    fi
done
psql_q -d postgres -c 'DROP DATABASE competency_planted' -c "DROP ROLE $owner"
exit $status
