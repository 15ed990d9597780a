#!/usr/bin/env bash
# Creates an empty Ed-Fi ODS 5.2 with change tracking in the database named
# by psql's environment (PGDATABASE, or -d in PSQL_OPTIONS), from the ODS's
# own DDL in demo/data/edfi-ods, in its load order: schemas, extensions
# (pgcrypto), tables, foreign keys, id indexes, then Changes/ (ChangeVersion
# columns, tracked_changes_edfi tables and triggers) in name order.  A
# district already has its ODS: this is for the demo and the tests.
set -euo pipefail
cd "$(dirname "$0")/data/edfi-ods"
{
    echo '\set ON_ERROR_STOP 1'
    echo 'SET client_min_messages = warning;'
    echo 'BEGIN;'
    for f in 0010-Schemas.sql 0011-Extensions.sql 0020-Tables.sql 0030-ForeignKeys.sql \
             0040-IdColumnUniqueIndexes.sql Changes/*.sql; do
        echo "\\i $f"
    done
    echo 'COMMIT;'
} | psql -X -q ${PSQL_OPTIONS:-} -f -
