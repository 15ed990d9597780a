#!/usr/bin/env bash
# The extension is trusted: a database owner who is not a superuser can
# install it, use it and drop it.  Runs inside test/with_cluster.sh.
set -euo pipefail
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_q -d postgres -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS competency_owned' -c 'DROP ROLE IF EXISTS competency_district_owner' \
    -c 'CREATE ROLE competency_district_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE' \
    -c 'CREATE DATABASE competency_owned OWNER competency_district_owner'
got=$(psql_q -At -U competency_district_owner -d competency_owned \
    -c 'CREATE EXTENSION competency' \
    -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user" \
    -c "SELECT mastery(mastery_evidence(3, 4, '2024-09-01'), 'latest')" \
    -c "SELECT extowner::regrole FROM pg_extension WHERE extname = 'competency'" \
    -c 'DROP EXTENSION competency')
expected=$'f\n3\ncompetency_district_owner'
if [ "$got" != "$expected" ]; then
    echo "install_as_owner: a non-superuser database owner could not install and use the extension:" >&2
    echo "$got" >&2
    exit 1
fi
psql_q -d postgres -c 'DROP DATABASE competency_owned' -c 'DROP ROLE competency_district_owner'
echo "install_as_owner: a database owner without superuser installed, used and dropped the extension"
