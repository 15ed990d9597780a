#!/usr/bin/env bash
# Binary COPY carries skill codes through the client encoding: profiles,
# aggregate states and graphs with a non-ASCII skill code ("Größe") copied
# with psql's \copy (FORMAT binary) from a UTF8 database into a LATIN1 one
# give every answer they gave before (p -> 'Größe', profile_entries,
# ready_skills with a graph of the same codes, the profile of a state, the
# text forms), and back.  A code LATIN1 cannot hold is an error, not
# mojibake.  Runs inside test/with_cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/competency-encoding.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export PGCLIENTENCODING=UTF8

psql_q -d postgres -c 'SET client_min_messages = warning' \
    -c 'DROP DATABASE IF EXISTS competency_utf8' -c 'DROP DATABASE IF EXISTS competency_latin1' \
    -c "CREATE DATABASE competency_utf8 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" \
    -c "CREATE DATABASE competency_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"

# The same tables in both; the states come from a test-only aggregate that
# returns the transition state of learner_profile as it is
schema="CREATE EXTENSION competency;
CREATE AGGREGATE profile_state(text, mastery_evidence, mastery_method) (
	SFUNC = learner_profile_evidence_transfn, STYPE = learner_profile_state);
CREATE TABLE kept (learner text, p learner_profile, s learner_profile_state);
CREATE TABLE graphs (g skill_graph);"
psql_q -d competency_utf8 -c "$schema"
psql_q -d competency_latin1 -c "$schema"

# Rows of two learners; 'Größe' rolled up by latest, 'add' by average (a
# skill with a method of its own in the state)
psql_q -d competency_utf8 <<'SQL'
CREATE TABLE evidence (learner text, skill text, e mastery_evidence, m mastery_method);
INSERT INTO evidence VALUES
	('ana', 'Größe', '3/4 @ 2024-09-05 10:00:00+00', 'latest'),
	('ana', 'Größe', '4/4 @ 2024-09-06 00:00:00+00, kind=observation', 'latest'),
	('ana', 'add', '2/4 @ 2024-09-05 00:00:00+00, weight=2', 'average'),
	('ana', 'add', '4/4 @ 2024-09-07 00:00:00+00', 'average'),
	('ben', 'Größe', '1/4 @ 2024-09-05 00:00:00+00', 'latest'),
	('ben', 'add', '4/4 @ 2024-09-04 00:00:00+00', 'average');
INSERT INTO kept SELECT learner, learner_profile(skill, e, m), profile_state(skill, e, m)
FROM evidence GROUP BY learner;
INSERT INTO graphs VALUES (
	'{"skills": [{"code": "add"}, {"code": "Größe"}, {"code": "Maß"}],
	  "edges": [{"source": "add", "target": "Größe", "relation": "prerequisite"},
	            {"source": "Größe", "target": "Maß", "relation": "prerequisite"}]}');
SQL

# Every answer, printed through the client encoding (UTF8) in each database
answers() {
    psql_q -At -d "$1" <<'SQL'
SELECT 'get', learner, p -> 'Größe', p -> 'add' FROM kept ORDER BY learner;
SELECT 'entries', learner, x.* FROM kept, profile_entries(p) x ORDER BY learner, x.skill;
SELECT 'ready', learner, r FROM kept, graphs, ready_skills(g, p, 3.5) r ORDER BY 2, 3;
SELECT 'state', learner, learner_profile(s) -> 'Größe', learner_profile(s) = p FROM kept ORDER BY learner;
SELECT 'text', learner, p::text, s::text, learner_profile(s)::text FROM kept ORDER BY learner;
SELECT 'graph', g::text FROM graphs;
SQL
}

answers competency_utf8 >"$tmp/utf8.out"
psql_q -d competency_utf8 -c "\\copy kept TO '$tmp/kept.bin' WITH (FORMAT binary)" \
    -c "\\copy graphs TO '$tmp/graphs.bin' WITH (FORMAT binary)"
psql_q -d competency_latin1 -c "\\copy kept FROM '$tmp/kept.bin' WITH (FORMAT binary)" \
    -c "\\copy graphs FROM '$tmp/graphs.bin' WITH (FORMAT binary)"
answers competency_latin1 >"$tmp/latin1.out"

status=0
# the expected answers themselves, so that two equally wrong sides cannot pass
expected=$'get|ana|4|2.6666666666666665\nget|ben|1|4'
if [ "$(grep '^get|' "$tmp/utf8.out")" != "$expected" ] || ! grep -q '^ready|ana|Maß$' "$tmp/utf8.out"; then
    echo "binary_encoding: unexpected answers in the UTF8 database:" >&2
    cat "$tmp/utf8.out" >&2
    status=1
fi
if ! diff -u --label 'UTF8 database' --label 'LATIN1 database, after a binary copy' \
        "$tmp/utf8.out" "$tmp/latin1.out" >&2; then
    echo "binary_encoding: a binary copy from UTF8 into LATIN1 changed the answers (above)" >&2
    status=1
fi

# and back: sent from LATIN1 under client_encoding LATIN1, read into a fresh UTF8 table
psql_q -d competency_latin1 -c "SET client_encoding = 'LATIN1'" \
    -c "\\copy kept TO '$tmp/kept_latin1.bin' WITH (FORMAT binary)"
psql_q -d competency_utf8 -c 'TRUNCATE kept' -c "SET client_encoding = 'LATIN1'" \
    -c "\\copy kept FROM '$tmp/kept_latin1.bin' WITH (FORMAT binary)"
answers competency_utf8 >"$tmp/back.out"
if ! diff -u --label 'UTF8 database' --label 'UTF8 database, after a copy through LATIN1' \
        "$tmp/utf8.out" "$tmp/back.out" >&2; then
    echo "binary_encoding: a binary copy from LATIN1 back into UTF8 changed the answers (above)" >&2
    status=1
fi

# a code that LATIN1 cannot hold stops the copy (SQLSTATE 22P05)
psql_q -d competency_utf8 <<SQL
CREATE TABLE euro AS SELECT learner_profile(skill, e, 'latest') AS p, profile_state(skill, e, 'latest') AS s
FROM (VALUES ('€', '3/4 @ 2024-09-05'::mastery_evidence)) v(skill, e);
\\copy (SELECT p FROM euro) TO '$tmp/euro_p.bin' WITH (FORMAT binary)
\\copy (SELECT s FROM euro) TO '$tmp/euro_s.bin' WITH (FORMAT binary)
SQL
for what in p s; do
    if got=$(psql_q -d competency_latin1 -c 'CREATE TEMP TABLE euro (v learner_profile, w learner_profile_state)' \
            -c "\\copy euro ($( [ $what = p ] && echo v || echo w )) FROM '$tmp/euro_$what.bin' WITH (FORMAT binary)" 2>&1); then
        echo "binary_encoding: a skill code LATIN1 cannot hold was copied into LATIN1 ($what)" >&2
        status=1
    elif ! grep -q 'has no equivalent in encoding "LATIN1"' <<<"$got"; then
        echo "binary_encoding: unexpected error for a code LATIN1 cannot hold ($what): $got" >&2
        status=1
    fi
done

psql_q -d postgres -c 'DROP DATABASE competency_utf8' -c 'DROP DATABASE competency_latin1'
if [ $status -eq 0 ]; then
    echo "binary_encoding: profiles, states and graphs with 'Größe' kept every answer through binary copies UTF8 -> LATIN1 -> UTF8"
fi
exit $status
