#!/usr/bin/env bash
# The whole test suite, inside a running cluster (see test/with_cluster.sh):
# pg_regress for exact output, then pgTAP suites with pg_prove.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
if ! make -s installcheck; then
    status=1
    [ -f regression.diffs ] && head -n 200 regression.diffs
fi

psql -q -X -v ON_ERROR_STOP=1 -d postgres -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS competency_tap' \
    -c 'CREATE DATABASE competency_tap' || exit 1
psql -q -X -v ON_ERROR_STOP=1 -d competency_tap \
    -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION competency' || exit 1
if ! pg_prove -d competency_tap --ext .sql -r test/tap; then
    status=1
fi

# Concurrency: 30 seconds of the soak (make test-soak runs 5 minutes).  Not
# under valgrind (make test-valgrind), which slows the server many times
# over: the soak's statements would run into its timeout
if [ -n "${COMPETENCY_SERVER_WRAPPER:-}" ]; then
    echo "soak: skipped with the server under ${COMPETENCY_SERVER_WRAPPER%% *}"
elif ! SOAK_SECONDS=30 ./test/soak/run.sh; then
    status=1
fi

# Upgrade from every released version equals a fresh install, and no script
# can be turned against the server by a database owner (both in a cluster of
# their own, whose installation also holds the released versions)
if ! COMPETENCY_RELEASED_VERSIONS=1 ./test/with_cluster.sh \
        sh -c './test/upgrade.sh; u=$?; ./test/script_security.sh && exit $u'; then
    status=1
fi

# Trusted: a database owner without superuser installs it
if ! ./test/install_as_owner.sh; then
    status=1
fi

# Binary copies carry skill codes through the client encoding (UTF8 -> LATIN1)
if ! ./test/binary_encoding.sh; then
    status=1
fi

# Values whose text could pass 10^9 bytes are refused when they are built
if ! ./test/text_limits.sh; then
    status=1
fi

# Every input path in the server, mutated (test/fuzz/mutation.sql)
if ! ./test/fuzz/mutation.sh; then
    status=1
fi

# Every SQL example of the README and docs/, run as written: what it prints
# must be what the page shows (test/doc_examples.pl)
if ! perl test/doc_examples.pl README.md docs/*.md; then
    status=1
fi

# The demo's report: written from the sample district, then rendered in
# headless Chromium (every image and SVG drawn, no console message)
if ! { ./demo/report.sh && ./test/report_render.sh demo/output/report.html; }; then
    status=1
fi

# The competency layer on a real Ed-Fi ODS 5.2 with the Grand Bend sample:
# known figures, random histories with a refresh after each, dump and restore
if ! ./test/warehouse/run.sh; then
    status=1
fi

# Scale-out: two shard clusters behind postgres_fdw
if ! ./test/scale_out/run.sh; then
    status=1
fi

if [ $status -eq 0 ]; then echo "make test: all tests passed"; else echo "make test: FAILED" >&2; fi
exit $status
