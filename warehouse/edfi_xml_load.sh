#!/usr/bin/env bash
# Loads Ed-Fi XML interchange files into an Ed-Fi ODS 5.2 on PostgreSQL:
#
#   warehouse/edfi_xml_load.sh FILE.xml...
#
# The database is psql's (PGDATABASE, PGHOST, ... or -d in PSQL_OPTIONS).
# psql reads the files on this machine and sends them as parameters: the
# server never reads a file.  All files of one call are loaded in one
# transaction, in foreign-key order whatever the order of the files (a
# section and its course offering may come in different files), with the
# ODS's foreign keys on.  Descriptors are created as they are met.  Loading
# a file again changes nothing.  The mapping and what it covers:
# warehouse/edfi_xml_load.sql.  Needs bash and psql only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 FILE.xml..." >&2; exit 2; }
script=$(mktemp)
trap 'rm -f "$script"' EXIT
{
    echo '\set ON_ERROR_STOP 1'
    echo 'BEGIN;'
    echo "\\i '$here/edfi_xml_load.sql'"
    echo 'TRUNCATE edfi_xml.document;'
    for f in "$@"; do
        [ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 1; }
        case $f in *"'"*|*'`'*) echo "$0: file names with quotes are not supported: $f" >&2; exit 1;; esac
        echo "\\set doc \`cat '$f'\`"
        echo "INSERT INTO edfi_xml.document VALUES ('$(basename "$f")', :'doc');"
    done
    echo '\unset doc'
    echo 'SET LOCAL client_min_messages = warning;'
    echo 'CALL edfi_xml.load();'
    echo 'TRUNCATE edfi_xml.document;'
    echo 'COMMIT;'
    echo "SELECT element, ods_table, elements, rows_written FROM edfi_xml.load_report
          WHERE loaded_at = (SELECT max(loaded_at) FROM edfi_xml.load_report) AND (elements > 0 OR rows_written > 0) ORDER BY 1, 2;"
} >"$script"
psql -X -q ${PSQL_OPTIONS:-} -f "$script"
