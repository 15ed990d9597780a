#!/usr/bin/env bash
# Every value that can be stored can be dumped: a learner_profile,
# learner_profile_state or mastery_state whose text form could pass the
# limit on text forms (TEXT_FORM_MAX_BYTES, 10^9 bytes, counted as COPY
# writes it), and a group_disproportionality, tracking_audit or
# instructional_groups state that a parallel worker could not pass on, are
# refused when they are built, with SQLSTATE 54000.
#
# 1. At the real limit, in the cluster this runs in: a profile of 140,000
#    skills with 1,000-byte codes (its state is under the limit, its text
#    would not be) and a state of 142,715 such skills are refused, each in
#    about a second and without the backend's memory nearing 1 GB; and a
#    mastery_agg of evidence at its longest (128 bytes a piece) is refused
#    at piece 7,812,500, in about two seconds.
# 2. Every path at a limit lowered to 100,000 bytes, in a cluster of its
#    own started with COMPETENCY_TEXT_FORM_MAX_BYTES in the server's
#    environment (it can only lower the limit): text, jsonb and binary
#    input, the aggregates' final function, profile_rollup, the state's
#    transition at the row that passes the limit, its combine, text and
#    binary input, group_disproportionality's and tracking_audit's
#    transitions; for
#    mastery_state, mastery_agg at the row (serial, and under a forced
#    parallel plan), mastery_state_union at the merge, ||,
#    mastery_state_append, text, jsonb and binary input (- and
#    mastery_state_remove never grow a state: they still work at the
#    limit), and mastery() over raw rows not limited at all; and
#    instructional_groups at the learner that passes the limit, serially
#    and at the combine of a forced parallel plan.  The largest values
#    accepted are written with \copy and measured: their text stays within
#    the limit (the bound is sound) and, for plain evidence, close to it
#    (the bound is tight).
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

# expect_error DB MESSAGE [DETAIL]: the SQL on stdin fails with SQLSTATE
# 54000 and MESSAGE (and a detail that contains DETAIL)
expect_error() {
    local sql got
    sql=$(cat)
    if got=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$1" <<<"$sql" 2>&1); then
        fail "accepted, should be refused ($2): $sql"
    elif ! grep -q "ERROR:  54000: $2" <<<"$got" || ! grep -q "DETAIL:  .*${3:-}" <<<"$got"; then
        fail "unexpected error for: $sql"$'\n'"$got"
    fi
}

# accepted DB WHAT: the SQL on stdin runs
accepted() {
    local sql got
    sql=$(cat)
    got=$(psql_q -d "$1" <<<"$sql" 2>&1) || fail "$2 was refused: $sql"$'\n'"$got"
}

# forced_parallel: settings that make the planner aggregate partitions in
# parallel workers (a Partial Aggregate per partition under a Gather) and
# combine their states in the leader
forced_parallel="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET enable_partitionwise_aggregate = on;"

# check_parallel DB QUERY: the query's plan under forced_parallel combines partial states
check_parallel() {
    local plan
    plan=$(psql_q -At -d "$1" <<<"$forced_parallel EXPLAIN (COSTS OFF) $2")
    if ! grep -q "Gather" <<<"$plan" || [ "$(grep -c "Partial Aggregate" <<<"$plan")" -lt 2 ]; then
        fail "no parallel plan with partial states for: $2"$'\n'"$plan"
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
    # codes of backslashes, the character COPY writes longest (\\ in JSON,
    # four bytes in COPY): profiles and states at the largest size accepted
    slashes="SELECT learner_profile(repeat(E'\\\\', 200) || lpad(i::text, 4, '0'), mastery_evidence(3, 4, '2024-09-01'), 'latest') AS p FROM generate_series(1, @N@) i"
    if n=$(largest $db "$slashes" 400); then
        psql_q -d $db -c "CREATE TABLE slashes AS ${slashes//@N@/$n}"
        got=$(copied_bytes $db "SELECT p FROM slashes")
        [ "$got" -le $limit ] || fail "the largest profile of backslash codes ($n skills) takes $got bytes as COPY writes it (limit $limit)"
        echo "text_limits: a profile of 200-backslash codes is refused at skill $((n + 1)); at $n it takes $got bytes as COPY writes it"
    else
        fail "a profile of 400 skills of 200-backslash codes was not refused"
    fi
    sslashes="SELECT profile_state(repeat(E'\\\\', 200) || lpad(i::text, 4, '0'), mastery_evidence(3, 4, '2024-09-01'), 'latest') AS s FROM generate_series(1, @N@) i"
    if n=$(largest $db "$sslashes" 400); then
        psql_q -d $db -c "CREATE TABLE sslashes AS ${sslashes//@N@/$n}"
        got=$(copied_bytes $db "SELECT s FROM sslashes")
        [ "$got" -le $limit ] || fail "the largest state of backslash codes ($n skills) takes $got bytes as COPY writes it (limit $limit)"
        echo "text_limits: a profile state of 200-backslash codes is refused at skill $((n + 1)); at $n it takes $got bytes as COPY writes it"
    else
        fail "a profile state of 400 skills of 200-backslash codes was not refused"
    fi

    # merging, text input and binary input of states
    expect_error $db "learner profile state is too large" <<<"SELECT merge_states(s) FROM (SELECT s FROM plain UNION ALL SELECT s FROM plain) x"
    expect_error $db "learner profile state is too large" <<<"SELECT ('{\"method\": \"latest\", \"skills\": {\"a\": \"[' || string_agg('1/1 @ 2024-09-05 00:00:00+00', '; ') || ']\"}}')::learner_profile_state FROM generate_series(1, 3100)"
    expect_error $db "learner profile state is too large" <<SQL
CREATE TEMP TABLE r (s learner_profile_state);
\\copy r FROM '$tmp/state.bin' WITH (FORMAT binary)
SQL

    # mastery_state: 3,030 plain pieces (31 bytes and a separator each)
    # fit 100,000 bytes, 3,031 do not; mastery_agg refuses at that row
    mplain="SELECT mastery_agg(mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second')) AS s FROM generate_series(1, @N@) i"
    if n=$(largest $db "$mplain" 4000); then
        psql_q -d $db -c "CREATE TABLE mplain AS ${mplain//@N@/$n}"
        got=$(copied_bytes $db "SELECT s FROM mplain")
        if [ "$got" -gt $limit ] || [ "$got" -lt $((limit * 99 / 100)) ]; then
            fail "the largest plain mastery state ($n pieces) takes $got bytes as COPY writes it (limit $limit)"
        fi
        # at the row, not in the final function: the detail counts the pieces then
        expect_error $db "mastery state is too large to be written as text" "Its $((n + 1)) pieces" <<<"${mplain//@N@/4000}"
        echo "text_limits: a mastery state of plain evidence is refused at piece $((n + 1)); at $n it takes $got bytes as COPY writes it"
    else
        fail "a mastery state of 4,000 plain pieces of evidence was not refused"
    fi
    # ... and of awkward evidence: fractions, weights, kinds, microseconds,
    # years 20000 and BC (terms that differ: per-piece terms)
    mawkward=$(cat <<'SQL'
SELECT mastery_agg(mastery_evidence(i / 3.0 + 0.1, 7.3, t, CASE WHEN i % 2 = 0 THEN 0.3 END,
                                    CASE WHEN i % 3 = 0 THEN 'observation' END)) AS s
FROM generate_series(1, @N@) i,
     LATERAL (SELECT (ARRAY[timestamptz '2024-09-05 00:00:00.123457+00', '20000-01-01 00:00:00+00',
                            '4000-01-01 00:00:00.5+00 BC'])[i % 3 + 1] + i * interval '1.000001 second' AS t) x
SQL
)
    if n=$(largest $db "$mawkward" 4000); then
        psql_q -d $db -c "CREATE TABLE mawkward AS ${mawkward//@N@/$n}"
        got=$(copied_bytes $db "SELECT s FROM mawkward")
        [ "$got" -le $limit ] || fail "the largest awkward mastery state ($n pieces) takes $got bytes as COPY writes it (limit $limit)"
        echo "text_limits: a mastery state of awkward evidence is refused at piece $((n + 1)); at $n it takes $got bytes as COPY writes it"
    else
        fail "a mastery state of 4,000 awkward pieces of evidence was not refused"
    fi
    before=$failures
    # mastery_state_union at the merge (400 states of 10 pieces: refused at the 304th)
    expect_error $db "mastery state is too large" "Its 3040 pieces" <<<"SELECT mastery_state_union(s) FROM (SELECT mastery_agg(mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second')) AS s FROM generate_series(0, 3999) i GROUP BY i / 10) x"
    # ||, mastery_state_append
    expect_error $db "mastery state is too large" <<<"SELECT s || s FROM mplain"
    expect_error $db "mastery state is too large" <<<"SELECT mastery_state_append(s, '1/1 @ 2030-01-01') FROM mplain"
    # - and mastery_state_remove never make a state larger
    accepted $db "a difference of states at the limit" <<<"SELECT evidence_count(s - mastery_state_remove(s, '1/1 @ 2024-09-05 00:00:01+00')) FROM mplain"
    # text input: 3,031 dates (18 bytes each as given) take 100,025 bytes as the state writes them
    accepted $db "a text input of 3,030 pieces" <<<"SELECT ('[' || string_agg('1/1 @ 2024-09-05', '; ') || ']')::mastery_state FROM generate_series(1, 3030)"
    expect_error $db "mastery state is too large" "Its 3031 pieces" <<<"SELECT ('[' || string_agg('1/1 @ 2024-09-05', '; ') || ']')::mastery_state FROM generate_series(1, 3031)"
    # jsonb and binary input
    expect_error $db "mastery state is too large" <<<"SELECT jsonb_agg(jsonb_build_object('score', 1, 'out_of', 1, 'observed_at', '2024-09-05T00:00:00+00:00'))::mastery_state FROM generate_series(1, 3031)"
    expect_error $db "mastery state is too large" <<SQL
CREATE TEMP TABLE r (s mastery_state);
\\copy r FROM '$tmp/mstate.bin' WITH (FORMAT binary)
SQL
    # mastery_agg under a forced parallel plan: two partitions of 2,000
    # pieces, each in a worker, combined in the leader
    psql_q -d $db <<'SQL'
CREATE TABLE mparts (half int, e mastery_evidence) PARTITION BY LIST (half);
CREATE TABLE mparts_0 PARTITION OF mparts FOR VALUES IN (0);
CREATE TABLE mparts_1 PARTITION OF mparts FOR VALUES IN (1);
INSERT INTO mparts SELECT i % 2, mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second') FROM generate_series(1, 4000) i;
ANALYZE mparts;
SQL
    check_parallel $db "SELECT mastery_agg(e) FROM mparts"
    expect_error $db "mastery state is too large" <<<"$forced_parallel SELECT mastery_agg(e) FROM mparts"
    accepted $db "a parallel mastery_agg of 3,030 pieces" <<<"$forced_parallel SELECT mastery_agg(e) FROM mparts WHERE observed_at(e) <= timestamptz '2024-09-05' + 3030 * interval '1 second'"
    # the mastery() aggregates (internal state, never stored) are not limited
    accepted $db "mastery() over 40,000 raw rows" <<<"SELECT mastery(mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second'), 'latest'), mastery(1.0, timestamptz '2024-09-05' + i * interval '1 second', 'average') FROM generate_series(1, 40000) i"
    [ $failures -eq $before ] && echo "text_limits: mastery states refused on every path at a limit of $limit bytes (union at the merge, ||, append, text, jsonb, binary, a parallel mastery_agg); -, remove and mastery() work"

    # instructional_groups: each learner takes its code, its profile (1,195
    # bytes), its ready skills and need in the serialized state; refused at
    # the learner that would take it past the limit, serially and where the
    # leader combines the partial states of two workers each within it
    psql_q -d $db <<'SQL'
CREATE TABLE roster (half int, learner text, p learner_profile) PARTITION BY LIST (half);
CREATE TABLE roster_0 PARTITION OF roster FOR VALUES IN (0);
CREATE TABLE roster_1 PARTITION OF roster FOR VALUES IN (1);
INSERT INTO roster
SELECT i % 2, 'learner-' || lpad(i::text, 4, '0'),
       ('{"x1": {"mastery": 1, "out_of": 4}, ' ||
        string_agg(format('"pad-%s": {"mastery": 1, "out_of": 4}', lpad(k::text, 3, '0')), ', ') || '}')::learner_profile
FROM generate_series(1, 200) i, generate_series(1, 20) k GROUP BY i;
ANALYZE roster;
SQL
    g=$(psql_q -At -d $db -c "SELECT skill_graph_agg(p, s)::text FROM (VALUES ('x1', 'x2'), ('y1', 'y2')) v(p, s)")
    groups="SELECT cardinality(instructional_groups(learner, p, '$g', 3, 2, 4)) FROM roster WHERE learner <= 'learner-' || lpad('@N@', 4, '0')"
    if n=$(largest $db "$groups" 200); then
        before=$failures
        check_parallel $db "${groups//@N@/$((n + 1))}"
        serial=$(psql_q -At -d $db -c "${groups//@N@/$n}")
        parallel=$(psql_q -At -d $db <<<"$forced_parallel ${groups//@N@/$n}")
        [ "$serial" = "$parallel" ] || fail "instructional_groups of $n learners: $serial serially, $parallel in parallel"
        expect_error $db "instructional_groups state is too large" "Its $((n + 1)) learners" <<<"${groups//@N@/$((n + 1))}"
        expect_error $db "instructional_groups state is too large" "Its $((n + 1)) learners" <<<"$forced_parallel ${groups//@N@/$((n + 1))}"
        [ $failures -eq $before ] && echo "text_limits: instructional_groups refused at learner $((n + 1)), serially and at the combine of a parallel plan; $n accepted under both"
    else
        fail "instructional_groups of 200 learners was not refused"
    fi

    # group_disproportionality: 8 bytes and the label per row, after 26 bytes
    # of header: 999 rows of 92-byte labels fit, the 1,000th does not
    audit="SELECT group_disproportionality(i % 3, repeat('x', 91) || (i % 2)) IS NOT NULL FROM generate_series(1, @N@) i"
    psql_q -d $db -c "${audit//@N@/999}" >/dev/null || fail "an audit of 999 rows was refused"
    before=$failures
    expect_error $db "group_disproportionality state is too large" <<<"${audit//@N@/1000}"
    # text group ids: 4 bytes and the id in place of the number (2 more here)
    audit="SELECT group_disproportionality('g' || (i % 3), repeat('x', 89) || (i % 2)) IS NOT NULL FROM generate_series(1, @N@) i"
    psql_q -d $db -c "${audit//@N@/999}" >/dev/null || fail "an audit of 999 rows with text group ids was refused"
    expect_error $db "group_disproportionality state is too large" <<<"${audit//@N@/1000}"
    [ $failures -eq $before ] && echo "text_limits: an audit is refused at the row that would take its serialized state past $limit bytes"

    # tracking_audit: 29 bytes and the five labels per row, after 25 bytes
    # of header: 999 rows of 100 bytes fit, the 1,000th does not
    tracking="SELECT tracking_audit('u', 's' || (i % 2), (i % 3)::text, lpad(i::text, 4, '0'), repeat('x', 62) || (i % 2), i % 5) IS NOT NULL FROM generate_series(1, @N@) i"
    psql_q -d $db -c "${tracking//@N@/999}" >/dev/null || fail "a tracking audit of 999 rows was refused"
    before=$failures
    expect_error $db "tracking_audit state is too large" "Its 1000 rows" <<<"${tracking//@N@/1000}"
    [ $failures -eq $before ] && echo "text_limits: a tracking audit is refused at the row that would take its serialized state past $limit bytes"

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
        elif [ -z "$peak" ]; then
            fail "$n skills of 1,000-byte codes: the backend's peak memory could not be read"
        elif [ "$peak" -ge 1048576 ]; then
            fail "$n skills of 1,000-byte codes: refused, but the backend's memory peaked at $peak kB"
        else
            echo "text_limits: $n skills of 1,000-byte codes refused in $ms ms (rows made included), backend peak ${peak:-?} kB: $message"
        fi
    done
    # A piece with a fractional score and out_of, microseconds, a weight and
    # kind observation is bounded at 126 bytes and a separator: 7,812,499
    # pieces stay within 10^9 bytes (only 16 bytes each in memory), the
    # next is refused at its row
    mbig=$(cat <<'SQL'
SELECT evidence_count(mastery_agg(mastery_evidence(i * 0.5::float8 + 0.25, 7.3,
                                                   timestamptz '2024-09-05 00:00:00.123457+00' + i * interval '1 second',
                                                   0.3, 'observation')))
FROM (SELECT generate_series(1, 8000000) AS i) s;
SELECT 'peak ' || substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*(\d+) kB');
SQL
)
    start=$(date +%s%N)
    got=$(psql -X -q -v VERBOSITY=verbose -d $db <<<"$mbig" 2>&1 || true)
    ms=$((($(date +%s%N) - start) / 1000000))
    peak=$(sed -n 's/^ *peak \([0-9]*\)$/\1/p' <<<"$got")
    if ! grep -q "ERROR:  54000: mastery state is too large to be written as text" <<<"$got" ||
        ! grep -q "Its 7812500 pieces of evidence could take up to 1000000002 bytes" <<<"$got"; then
        fail "8,000,000 pieces of evidence at their longest: not refused as expected:"$'\n'"$got"
    elif [ -z "$peak" ]; then
        fail "8,000,000 pieces of evidence: the backend's peak memory could not be read"
    elif [ "$peak" -ge 1048576 ]; then
        fail "8,000,000 pieces of evidence at their longest: refused, but the backend's memory peaked at $peak kB"
    else
        echo "text_limits: a mastery_agg of pieces at their longest refused at piece 7,812,500 in $ms ms (rows made included), backend peak ${peak:-?} kB"
    fi
fi

# values the cluster with the lowered limit must refuse in binary input
psql_q -d $db <<SQL
\\copy (SELECT profile_text(318)::learner_profile) TO '$tmp/profile318.bin' WITH (FORMAT binary)
\\copy (SELECT profile_state('a', mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second'), 'latest') FROM generate_series(1, 3100) i) TO '$tmp/state.bin' WITH (FORMAT binary)
\\copy (SELECT mastery_agg(mastery_evidence(1, 1, timestamptz '2024-09-05' + i * interval '1 second')) FROM generate_series(1, 3031) i) TO '$tmp/mstate.bin' WITH (FORMAT binary)
SQL
psql_q -d postgres -c "DROP DATABASE $db"

# 2. Every path, at a limit lowered to 100,000 bytes in a cluster of its own
if ! COMPETENCY_TEXT_FORM_MAX_BYTES=$limit ./test/with_cluster.sh ./test/text_limits.sh lowered "$tmp"; then
    status=1
fi
[ $status -eq 0 ] && echo "text_limits: values whose text could pass the limit are refused where they are built"
exit $status
