#!/usr/bin/env bash
# Every value that can be stored can be dumped: a learner_profile or
# learner_profile_state whose text form could pass the limit on text forms
# (TEXT_FORM_MAX_BYTES, 10^9 bytes, counted as COPY writes it), and a
# group_disproportionality state that a parallel worker could not pass on,
# are refused when they are built, with SQLSTATE 54000.
#
# 1. At the real limit, in the cluster this runs in: a profile of 140,000
#    skills with 1,000-byte codes (its state is under the limit, its text
#    would not be) and a state of 142,715 such skills are refused, each in
#    about a second and without the backend's memory nearing 1 GB.
# 2. Every path at a limit lowered to 100,000 bytes, in a cluster of its
#    own started with COMPETENCY_TEXT_FORM_MAX_BYTES in the server's
#    environment (it can only lower the limit): text, jsonb and binary
#    input, the aggregates' final function, profile_rollup, the state's
#    transition at the row that passes the limit, its combine, text and
#    binary input, and group_disproportionality's transition.  The largest
#    values accepted are written with \copy and measured: their text stays
#    within the limit (the bound is sound) and, for plain evidence, close
#    to it (the bound is tight).
#
# Runs inside test/with_cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=100000
export PGCLIENTENCODING=UTF8
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
status=0
failures=0
fail() { echo "text_limits: $*" >&2; status=1; failures=$((failures + 1)); }

# expect_error DB MESSAGE: the SQL on stdin fails with SQLSTATE 54000 and MESSAGE
expect_error() {
    local sql got
    sql=$(cat)
    if got=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$1" <<<"$sql" 2>&1); then
        fail "accepted, should be refused ($2): $sql"
    elif ! grep -q "ERROR:  54000: $2" <<<"$got"; then
        fail "unexpected error for: $sql"$'\n'"$got"
    fi
}

# copied_bytes DB QUERY: the bytes of the query's one value as \copy writes it (text format)
copied_bytes() {
    psql_q -d "$1" <<<"\\copy ($2) TO '$tmp/line.txt'"
    echo $(($(wc -c <"$tmp/line.txt") - 1))
}

# largest DB TEMPLATE HI: the largest n (below HI, which must be refused) for
# which TEMPLATE with @N@ replaced by n is accepted
largest() {
    psql_q -At -d "$1" -v template="$2" -v hi="$3" <<<"SELECT largest_accepted(:'template', :hi)"
}

if [ "${1:-}" = lowered ]; then
    tmp=$2
    db=competency_limits
    psql_q -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql_q -d $db <<'SQL'
CREATE EXTENSION competency;
-- test-only aggregates: the transition state as it is, and states merged by the combine function
CREATE AGGREGATE profile_state(text, mastery_evidence, mastery_method) (
	SFUNC = learner_profile_evidence_transfn, STYPE = learner_profile_state);
CREATE AGGREGATE merge_states(learner_profile_state) (
	SFUNC = learner_profile_combinefn, STYPE = learner_profile_state);
-- the largest n for which the query (@N@ replaced by n) runs; hi is refused (54000)
CREATE FUNCTION largest_accepted(template text, hi int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	lo int := 0;
	mid int;
BEGIN
	BEGIN
		EXECUTE replace(template, '@N@', hi::text);
		RAISE EXCEPTION 'n = % was accepted', hi;
	EXCEPTION WHEN program_limit_exceeded THEN NULL;
	END;
	WHILE hi - lo > 1 LOOP
		mid := (lo + hi) / 2;
		BEGIN
			EXECUTE replace(template, '@N@', mid::text);
			lo := mid;
		EXCEPTION WHEN program_limit_exceeded THEN
			hi := mid;
		END;
	END LOOP;
	RETURN lo;
END $$;
-- n skills "skill-0001" ... as a profile's text
CREATE FUNCTION profile_text(n int) RETURNS text LANGUAGE sql AS $$
	SELECT '{' || string_agg(format('"skill-%s": {"mastery": 1, "out_of": 4}', lpad(i::text, 4, '0')), ', ') || '}'
	FROM generate_series(1, n) i $$;
CREATE TABLE wholes AS
SELECT skill_graph_agg('skill-' || lpad(i::text, 4, '0'), 'whole-' || lpad((i % 20)::text, 4, '0'), 'part_of') AS g
FROM generate_series(1, 300) i;
SQL

    # profiles: 317 skills of 10-byte codes fit 100,000 bytes (2 + 317 x 315), 318 do not
    psql_q -d $db -c "CREATE TABLE p317 AS SELECT profile_text(317)::learner_profile AS p"
    expect_error $db "learner profile is too large to be written as text" <<<"SELECT profile_text(318)::learner_profile"
    expect_error $db "learner profile is too large" <<<"SELECT profile_text(318)::jsonb::learner_profile"
    # binary input (written by the cluster with the real limit)
    expect_error $db "learner profile is too large" <<SQL
CREATE TEMP TABLE r (p learner_profile);
\\copy r FROM '$tmp/profile318.bin' WITH (FORMAT binary)
SQL
    # the final function: 318 skills of one piece each make a small state and too large a profile
    expect_error $db "learner profile is too large" <<<"SELECT learner_profile('skill-' || lpad(i::text, 4, '0'), '1/4 @ 2024-09-05'::mastery_evidence, 'latest') FROM generate_series(1, 318) i"
    psql_q -d $db -c "SELECT profile_state('skill-' || lpad(i::text, 4, '0'), '1/4 @ 2024-09-05'::mastery_evidence, 'latest') FROM generate_series(1, 318) i" >/dev/null ||
        fail "the state of 318 skills was refused"
    # profile_rollup: 297 or 300 skills and the 20 wholes above them
    psql_q -d $db -c "SELECT skill_count(profile_rollup(profile_text(297)::learner_profile, g)) FROM wholes" >/dev/null ||
        fail "a rollup to 317 skills was refused"
    expect_error $db "learner profile is too large" <<<"SELECT profile_rollup(profile_text(300)::learner_profile, g) FROM wholes"
    got=$(copied_bytes $db "SELECT p FROM p317")
    [ "$got" -le $limit ] || fail "a profile accepted at the limit takes $got bytes as COPY writes it"
    [ $failures -eq 0 ] && echo "text_limits: profiles of 318 skills refused on every path at a limit of $limit bytes; 317 accepted ($got bytes as COPY writes them)"

    # states, refused at the row that passes the limit: one skill, whole
    # numbers and seconds (the bound is then the text itself) ...
    plain="SELECT profile_state('a', mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second'), 'latest') AS s FROM generate_series(1, @N@) i"
    if n=$(largest $db "$plain" 4000); then
        psql_q -d $db -c "CREATE TABLE plain AS ${plain//@N@/$n}"
        got=$(copied_bytes $db "SELECT s FROM plain")
        if [ "$got" -gt $limit ] || [ "$got" -lt $((limit * 99 / 100)) ]; then
            fail "the largest plain state ($n pieces) takes $got bytes as COPY writes it (limit $limit)"
        fi
        expect_error $db "learner profile state is too large to be written as text" <<<"${plain//@N@/$((n + 1))}"
        echo "text_limits: a state of plain evidence is refused at piece $((n + 1)); at $n it takes $got bytes as COPY writes it"
    else
        fail "a state of 4,000 plain pieces of evidence was not refused"
    fi
    # ... and awkward ones: fractions, weights, kinds, microseconds, years
    # 20000 and BC, codes that JSON and COPY escape, methods of their own
    awkward=$(cat <<'SQL'
SELECT profile_state(code, mastery_evidence(i / 3.0 + 0.1, 7.3, t, CASE WHEN i % 2 = 0 THEN 0.3 END,
                                            CASE WHEN i % 3 = 0 THEN 'observation' END), m::mastery_method) AS s
FROM generate_series(1, @N@) i,
     LATERAL (SELECT (ARRAY['q"uote', 'back\slash', E'ctl\x01', 'Größe'])[i % 4 + 1] AS code,
                     CASE WHEN i % 4 = 3 THEN 'average' ELSE 'decaying_average(weight=0.3333333333333333)' END AS m,
                     (ARRAY[timestamptz '2024-09-05 00:00:00.123457+00', '20000-01-01 00:00:00+00',
                            '4000-01-01 00:00:00.5+00 BC'])[i % 3 + 1] + i * interval '1.000001 second' AS t) x
SQL
)
    if n=$(largest $db "$awkward" 4000); then
        psql_q -d $db -c "CREATE TABLE awkward AS ${awkward//@N@/$n}"
        got=$(copied_bytes $db "SELECT s FROM awkward")
        [ "$got" -le $limit ] || fail "the largest awkward state ($n pieces) takes $got bytes as COPY writes it (limit $limit)"
        echo "text_limits: a state of awkward evidence is refused at piece $((n + 1)); at $n it takes $got bytes as COPY writes it"
    else
        fail "a state of 4,000 awkward pieces of evidence was not refused"
    fi
    # merging, text input and binary input of states
    expect_error $db "learner profile state is too large" <<<"SELECT merge_states(s) FROM (SELECT s FROM plain UNION ALL SELECT s FROM plain) x"
    expect_error $db "learner profile state is too large" <<<"SELECT ('{\"method\": \"latest\", \"skills\": {\"a\": \"[' || string_agg('1/1 @ 2024-09-05 00:00:00+00', '; ') || ']\"}}')::learner_profile_state FROM generate_series(1, 3100)"
    expect_error $db "learner profile state is too large" <<SQL
CREATE TEMP TABLE r (s learner_profile_state);
\\copy r FROM '$tmp/state.bin' WITH (FORMAT binary)
SQL

    # group_disproportionality: 8 bytes and the label per row, after 9 bytes
    # of header: 999 rows of 92-byte labels fit, the 1,000th does not
    audit="SELECT group_disproportionality(i % 3, repeat('x', 91) || (i % 2)) IS NOT NULL FROM generate_series(1, @N@) i"
    psql_q -d $db -c "${audit//@N@/999}" >/dev/null || fail "an audit of 999 rows was refused"
    before=$failures
    expect_error $db "group_disproportionality state is too large" <<<"${audit//@N@/1000}"
    [ $failures -eq $before ] && echo "text_limits: an audit is refused at the row that would take its serialized state past $limit bytes"

    psql_q -d postgres -c "DROP DATABASE $db"
    exit $status
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/competency-limits.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
db=competency_limits_real
psql_q -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql_q -d $db <<'SQL'
CREATE EXTENSION competency;
CREATE AGGREGATE profile_state(text, mastery_evidence, mastery_method) (
	SFUNC = learner_profile_evidence_transfn, STYPE = learner_profile_state);
CREATE FUNCTION profile_text(n int) RETURNS text LANGUAGE sql AS $$
	SELECT '{' || string_agg(format('"skill-%s": {"mastery": 1, "out_of": 4}', lpad(i::text, 4, '0')), ', ') || '}'
	FROM generate_series(1, n) i $$;
SQL

# 1. The real limit (skipped under valgrind, where it takes minutes).  A
# code of 994 control characters and 6 digits is 6,966 bytes as JSON in
# COPY; with one piece of evidence a skill adds 7,007 bytes to its state's
# text and 7,269 to its profile's (6,966 + 303), so 140,000 skills make a
# state within 10^9 bytes and a profile beyond, and the state passes at
# skill 142,715.
if [ -z "${COMPETENCY_SERVER_WRAPPER:-}" ]; then
    big=$(cat <<'SQL'
SELECT skill_count(learner_profile(repeat(E'\x01', 994) || to_char(i, 'FM000000'), '1/1 @ 2024-09-05'::mastery_evidence, 'latest'))
FROM generate_series(1, @N@) i;
SELECT 'peak ' || substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*(\d+) kB');
SQL
)
    for case in "140000|learner profile is too large to be written as text|Its 140000 skills could take up to 1017660002 bytes" \
                "150000|learner profile state is too large to be written as text|Its 142715 skills"; do
        IFS='|' read -r n message detail <<<"$case"
        start=$(date +%s%N)
        got=$(psql -X -q -v VERBOSITY=verbose -d $db <<<"${big//@N@/$n}" 2>&1 || true)
        ms=$((($(date +%s%N) - start) / 1000000))
        peak=$(sed -n 's/^ *peak \([0-9]*\)$/\1/p' <<<"$got")
        if ! grep -q "ERROR:  54000: $message" <<<"$got" || ! grep -q "$detail" <<<"$got"; then
            fail "$n skills of 1,000-byte codes: not refused as expected:"$'\n'"$got"
        elif [ -n "$peak" ] && [ "$peak" -ge 1048576 ]; then
            fail "$n skills of 1,000-byte codes: refused, but the backend's memory peaked at $peak kB"
        else
            echo "text_limits: $n skills of 1,000-byte codes refused in $ms ms (rows made included), backend peak ${peak:-?} kB: $message"
        fi
    done
fi

# values the cluster with the lowered limit must refuse in binary input
psql_q -d $db <<SQL
\\copy (SELECT profile_text(318)::learner_profile) TO '$tmp/profile318.bin' WITH (FORMAT binary)
\\copy (SELECT profile_state('a', mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second'), 'latest') FROM generate_series(1, 3100) i) TO '$tmp/state.bin' WITH (FORMAT binary)
SQL
psql_q -d postgres -c "DROP DATABASE $db"

# 2. Every path, at a limit lowered to 100,000 bytes in a cluster of its own
if ! COMPETENCY_TEXT_FORM_MAX_BYTES=$limit ./test/with_cluster.sh ./test/text_limits.sh lowered "$tmp"; then
    status=1
fi
[ $status -eq 0 ] && echo "text_limits: values whose text could pass the limit are refused where they are built"
exit $status
